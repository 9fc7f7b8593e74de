import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient, TestUser } from '../support/factories';
import { FormBrowser, Page, parseForm } from '../support/form-browser';

describe(`CSRF tokens bound to the browser's session [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    client = await createClient(t);
    user = await createUser(t);
  });
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
