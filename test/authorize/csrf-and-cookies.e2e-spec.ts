import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, TestClient, TestUser, tokenRequest } from '../support/factories';
import { FormBrowser, Page, parseForm } from '../support/form-browser';

const HTTPS = { 'X-Forwarded-Proto': 'https' };

describe(`CSRF tokens bound to the browser's session [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => ({ t, client, user } = await appWithClientAndUser()));
  afterAll(() => t.close());

  const authorizeUrl = () => `/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com&prompt=consent`;

  async function signedIn(): Promise<{ browser: FormBrowser; consent: Page }> {
    const browser = new FormBrowser(t.url);
    const consent = await browser.submit(await browser.get(authorizeUrl()), { username: user.username, password: user.password });
    expect(consent.body).toContain('value="approve"');
    return { browser, consent };
  }

  it('refuses a login form carrying the CSRF token of another browser', async () => {
    const other = new FormBrowser(t.url);
    const othersToken = parseForm((await other.get(authorizeUrl())).body).fields.csrf_token;
    const browser = new FormBrowser(t.url);
    const form = parseForm((await browser.get(authorizeUrl())).body);
    expect(form.fields.csrf_token).not.toBe(othersToken);
    const forged = await browser.post(form.action, { ...form.fields, csrf_token: othersToken, username: user.username, password: user.password });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie') ?? '').not.toContain('oauth_session');
  });

  it('refuses the consent form of another session of the same user, and accepts the session’s own', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const form = parseForm(b.consent.body);
    const crossed = await b.browser.post(form.action, { ...form.fields, csrf_token: parseForm(a.consent.body).fields.csrf_token, action: 'approve' });
    expect(crossed.status).toBe(403);
    const own = await b.browser.submit(b.consent, { action: 'approve' });
    expect(own.status).toBe(302);
    expect(new URL(own.location!).searchParams.get('code')).toBeTruthy();
  });

  it('binds to the session once signed in: a planted pre-session cookie with its own token is refused', async () => {
    // An attacker who can set cookies (a sibling subdomain over plain HTTP) plants their own
    // pre-session cookie beside the victim's session, with the token the server gave them for it.
    const attacker = new FormBrowser(t.url);
    const attackersToken = parseForm((await attacker.get(authorizeUrl())).body).fields.csrf_token;
    const victim = await signedIn();
    victim.browser.cookies.set('oauth_csrf', attacker.cookies.get('oauth_csrf')!);
    const form = parseForm(victim.consent.body);
    const forged = await victim.browser.post(form.action, { ...form.fields, csrf_token: attackersToken, action: 'approve' });
    expect(forged.status).toBe(403);
  });

  it('does not take the CSRF cookie itself as the token (no plain double submit)', async () => {
    const browser = new FormBrowser(t.url);
    const form = parseForm((await browser.get(authorizeUrl())).body);
    const cookie = browser.cookies.get('oauth_csrf')!;
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(form.fields.csrf_token).not.toBe(cookie);
    const forged = await browser.post(form.action, { ...form.fields, csrf_token: cookie, username: user.username, password: user.password });
    expect(forged.status).toBe(403);
  });

  it('refuses the account page’s revoke form posted with another session’s token', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const pageA = await a.browser.get('/account/consents');
    const pageB = await b.browser.get('/account/consents');
    const formB = parseForm(pageB.body);
    const crossed = await b.browser.post(formB.action, { ...formB.fields, csrf_token: parseForm(pageA.body).fields.csrf_token, action: 'revoke' });
    expect(crossed.status).toBe(403);
  });
});

describe(`cookies over HTTPS behind a trusted TLS proxy [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => ({ t, client, user } = await appWithClientAndUser({}, {}, { TRUST_PROXY: 'loopback' })));
  afterAll(() => t.close());

  const authorizeUrl = `/oauth2/authorize?response_type=code&client_id=CLIENT&redirect_uri=http%3A%2F%2Ftest.com&scope=email&state=s1`;
  const url = () => authorizeUrl.replace('CLIENT', client.clientId);

  function expectHostPrefixed(page: Page, name: string): string {
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith(`__Host-${name}=`));
    expect(cookie).toBeDefined();
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).not.toMatch(/Domain=/i);
    expect(page.headers.getSetCookie().some((c) => c.startsWith(`${name}=`))).toBe(false);
    return cookie!;
  }

  it('names the cookies __Host-… (Secure, Path=/, no Domain) and they carry login → consent → code → token', async () => {
    const browser = new FormBrowser(t.url, HTTPS);
    const login = await browser.get(url());
    expect(login.status).toBe(200);
    expectHostPrefixed(login, 'oauth_csrf');

    const consent = await browser.submit(login, { username: user.username, password: user.password });
    expect(consent.status).toBe(200);
    expect(consent.body).toContain('value="approve"');
    expectHostPrefixed(consent, 'oauth_session');
    expect([...browser.cookies.keys()].sort()).toEqual(['__Host-oauth_csrf', '__Host-oauth_session']);

    const done = await browser.submit(consent, { action: 'approve' });
    expect(done.status).toBe(302);
    const location = new URL(done.location!);
    expect(location.searchParams.get('state')).toBe('s1');
    const token = await tokenRequest(
      t.url,
      { grant_type: 'authorization_code', code: location.searchParams.get('code'), redirect_uri: 'http://test.com' },
      client.basic,
    );
    expect(token.status).toBe(200);
    expect(token.body.access_token).toEqual(expect.any(String));

    // The session is remembered: the next authorization needs neither login nor consent.
    const again = await browser.get(url());
    expect(again.status).toBe(302);
    expect(new URL(again.location!).searchParams.get('code')).toBeTruthy();
  });

  it('reads each cookie only under the name of the request’s scheme', async () => {
    const browser = new FormBrowser(t.url, HTTPS);
    await browser.submit(await browser.get(url()), { username: user.username, password: user.password });
    const session = browser.cookies.get('__Host-oauth_session')!;
    const overHttps = (cookie: string) => request(t.url).get('/account/consents').set('X-Forwarded-Proto', 'https').set('Cookie', cookie);
    expect((await overHttps(`__Host-oauth_session=${session}`)).text).toContain(user.username);
    // The unprefixed name could have been planted by a plain-HTTP page or a sibling subdomain.
    expect((await overHttps(`oauth_session=${session}`)).text).toContain('name="password"');
    // On plain HTTP the cookies keep their names, and a __Host- one is not read.
    const overHttp = await request(t.url).get('/account/consents').set('Cookie', `__Host-oauth_session=${session}`);
    expect(overHttp.text).toContain('name="password"');
    expect(String(overHttp.headers['set-cookie'])).toMatch(/^oauth_csrf=/);
  });
});
