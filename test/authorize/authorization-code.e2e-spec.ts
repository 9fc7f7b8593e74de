import request from 'supertest';
import { s256 } from '../../src/pkce/pkce';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient, TestUser, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser, parseForm } from '../support/form-browser';

const VERIFIER = 'a4793f15479a4c5697f93b44d055ab6cbd16be50400a4591892f914b1a256da8';

describe(`authorization code flow (seeds 000, 001, 002) [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    client = await createClient(t, { redirectUris: ['http://test.com', 'https://client.example.com/cb'] });
    user = await createUser(t);
  });
  afterAll(() => t.close());

  const authorizeUrl = (params: Record<string, string>, path = '/oauth2/authorize') =>
    `${path}?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, ...params })}`;
  /** The suite's user signs in and approves in a new browser; resolves with where the server redirected. */
  const approved = (params: Record<string, string>, path?: string) => approveAuthorization(new FormBrowser(t.url), authorizeUrl(params, path), user);

  it('shows a login page, then a consent page naming the application and scopes, then redirects with code and state', async () => {
    const browser = new FormBrowser(t.url);
    const login = await browser.get(authorizeUrl({ redirect_uri: 'http://test.com', scope: 'email', state: 'xyz 123/?' }));
    expect(login.status).toBe(200);
    expect(login.headers.get('content-type')).toContain('text/html');
    expect(login.body).toContain('<label for="username">');
    expect(login.body).toContain('<label for="password">');
    expect(parseForm(login.body).fields.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.headers.get('x-frame-options')).toBe('DENY');
    expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const consent = await browser.submit(login, { username: user.username, password: user.password });
    expect(consent.status).toBe(200);
    expect(consent.body).toContain('Test Application');
    expect(consent.body).toContain('<code>email</code>');
    expect(consent.body).toContain('value="approve"');
    expect(consent.body).toContain('value="deny"');
    expect(browser.cookies.get('oauth_session')).toBeDefined();

    const done = await browser.submit(consent, { action: 'approve' });
    expect(done.status).toBe(302);
    const location = new URL(done.location!);
    expect(location.origin + location.pathname).toBe('http://test.com/');
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toBe('xyz 123/?');
    expect(location.searchParams.get('iss')).toBe(t.url);
  });

  it('exchanges the code at webMethods getAccessToken with a JSON body and Basic auth (seed 000)', async () => {
    const redirect = await approved({ redirect_uri: 'http://test.com', scope: 'email' }, '/invoke/pub.apigateway.oauth2/authorize');
    const res = await request(t.url)
      .post('/invoke/pub.apigateway.oauth2/getAccessToken')
      .set('Authorization', client.basic)
      .send({ redirect_uri: 'http://test.com', scope: 'email', grant_type: 'authorization_code', code: redirect.searchParams.get('code') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'email',
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('exchanges a PKCE code with code_verifier and client_id in the JSON body (seed 001)', async () => {
    const redirect = await approved(
      { redirect_uri: 'http://test.com', code_challenge: s256(VERIFIER), code_challenge_method: 'S256' },
      '/invoke/pub.apigateway.oauth2/authorize',
    );
    const res = await request(t.url)
      .post('/invoke/pub.apigateway.oauth2/getAccessToken')
      .set('Authorization', client.basic)
      .send({
        redirect_uri: 'http://test.com',
        scope: 'email',
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code'),
        code_verifier: VERIFIER,
        client_id: client.clientId,
      });
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  it('runs the WSO2 flow at /authorize and /token with form bodies and scope=PRODUCTION (seeds 002, 004)', async () => {
    const redirect = await approved({ scope: 'PRODUCTION', redirect_uri: 'https://client.example.com/cb' }, '/authorize');
    expect(redirect.origin + redirect.pathname).toBe('https://client.example.com/cb');
    const res = await request(t.url)
      .post('/token')
      .set('Authorization', client.basic)
      .type('form')
      .send(`grant_type=authorization_code&code=${redirect.searchParams.get('code')}&redirect_uri=https%3A%2F%2Fclient%2Eexample%2Ecom%2Fcb`);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('PRODUCTION');
  });

  it('skips the consent page when a stored consent covers the scopes, and shows it again for prompt=consent', async () => {
    const browser = new FormBrowser(t.url);
    const fresh = await createUser(t);
    await approveAuthorization(browser, authorizeUrl({ redirect_uri: 'http://test.com', scope: 'read write' }), fresh);

    const again = await browser.get(authorizeUrl({ redirect_uri: 'http://test.com', scope: 'read' }));
    expect(again.status).toBe(302);
    expect(new URL(again.location!).searchParams.get('code')).toBeTruthy();

    const forced = await browser.get(authorizeUrl({ redirect_uri: 'http://test.com', scope: 'read', prompt: 'consent' }));
    expect(forced.status).toBe(200);
    expect(forced.body).toContain('value="approve"');

    const wider = await browser.get(authorizeUrl({ redirect_uri: 'http://test.com', scope: 'read email' }));
    expect(wider.status).toBe(200);
    expect(wider.body).toContain('value="approve"');
  });

  it('redirects with error=access_denied and the state when the user presses Deny', async () => {
    const browser = new FormBrowser(t.url);
    const login = await browser.get(authorizeUrl({ redirect_uri: 'http://test.com', scope: 'write', state: 's1', prompt: 'consent' }));
    const consent = await browser.submit(login, { username: user.username, password: user.password });
    const denied = await browser.submit(consent, { action: 'deny' });
    expect(denied.status).toBe(302);
    const location = new URL(denied.location!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s1');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('uses the only registered redirect URI when redirect_uri is omitted', async () => {
    const single = await createClient(t, { redirectUris: ['http://single.example/cb'] });
    const browser = new FormBrowser(t.url);
    const redirect = await approveAuthorization(browser, `/oauth2/authorize?response_type=code&client_id=${single.clientId}`, user);
    expect(redirect.origin + redirect.pathname).toBe('http://single.example/cb');
    const res = await tokenRequest(t.url, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')! }, single.basic);
    expect(res.status).toBe(200);
  });

  describe('errors that must never redirect', () => {
    it.each([
      ['an unknown client', () => authorizeUrl({ client_id: 'nobody', redirect_uri: 'http://test.com' })],
      ['a missing client_id', () => '/oauth2/authorize?response_type=code&redirect_uri=http%3A%2F%2Ftest.com'],
      ['a redirect URI that is not registered', () => authorizeUrl({ redirect_uri: 'http://evil.example' })],
      ['a redirect URI that only starts like a registered one', () => authorizeUrl({ redirect_uri: 'http://test.com/x' })],
      ['an omitted redirect URI when several are registered', () => authorizeUrl({})],
    ])('shows an HTML error page for %s', async (_name, url) => {
      const res = await request(t.url).get(url());
      expect(res.status).toBe(400);
      expect(res.headers['location']).toBeUndefined();
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain('invalid_request');
    });
  });

  describe('errors returned to the client', () => {
    it.each([
      ['an unsupported response_type', { response_type: 'token' }, 'unsupported_response_type'],
      ['a scope outside the client’s list', { scope: 'admin' }, 'invalid_scope'],
      ['a repeated parameter', { scope: 'email' }, 'invalid_request'],
    ])('redirects with the error and state for %s', async (name, params, error) => {
      let url = authorizeUrl({ redirect_uri: 'http://test.com', state: 'st', ...params });
      if (name === 'a repeated parameter') url += '&scope=read';
      const res = await request(t.url).get(url);
      expect(res.status).toBe(302);
      const location = new URL(res.headers['location']);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe('st');
    });

    it('answers unauthorized_client for a client without the authorization_code grant', async () => {
      const cc = await createClient(t, { grantTypes: ['client_credentials'] });
      const res = await request(t.url).get(`/oauth2/authorize?response_type=code&client_id=${cc.clientId}`);
      expect(new URL(res.headers['location']).searchParams.get('error')).toBe('unauthorized_client');
    });
  });

  it('refuses a form post without the CSRF token', async () => {
    const browser = new FormBrowser(t.url);
    const login = await browser.get(authorizeUrl({ redirect_uri: 'http://test.com' }));
    const form = parseForm(login.body);
    const forged = await browser.post(form.action, { ...form.fields, csrf_token: 'forged', username: user.username, password: user.password });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie') ?? '').not.toContain('oauth_session');
  });

  it('shows the login page again with an error for a wrong password', async () => {
    const browser = new FormBrowser(t.url);
    const login = await browser.get(authorizeUrl({ redirect_uri: 'http://test.com' }));
    const again = await browser.submit(login, { username: user.username, password: 'wrong' });
    expect(again.status).toBe(401);
    expect(again.body).toContain('Invalid username or password.');
    expect(browser.cookies.get('oauth_session')).toBeUndefined();
  });

  describe('redemption', () => {
    async function freshCode(params: Record<string, string> = {}): Promise<string> {
      const redirect = await approved({ redirect_uri: 'http://test.com', prompt: 'consent', ...params });
      return redirect.searchParams.get('code')!;
    }
    const redeem = (body: Record<string, string>, auth = client.basic) => tokenRequest(t.url, { grant_type: 'authorization_code', ...body }, auth);

    const refreshWith = (refreshToken: string) => tokenRequest(t.url, { grant_type: 'refresh_token', refresh_token: refreshToken }, client.basic);

    it('rejects a second redemption of the same code, once its tokens were used, with invalid_grant and revokes what the first issued (§4.1.2)', async () => {
      const code = await freshCode();
      const first = await redeem({ code, redirect_uri: 'http://test.com' });
      expect(first.status).toBe(200);
      const renewed = await refreshWith(first.body.refresh_token);
      expect(renewed.status).toBe(200);
      const second = await redeem({ code, redirect_uri: 'http://test.com' });
      expect(second.status).toBe(400);
      expect(second.body.error).toBe('invalid_grant');
      for (const token of [first.body.access_token, renewed.body.access_token]) {
        expect((await request(t.url).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
      }
      expect((await refreshWith(renewed.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('denies a second redemption at once by the same client with the same redirect_uri and verifier, and revokes the first tokens (§4.1.2)', async () => {
      const code = await freshCode({ code_challenge: s256(VERIFIER), code_challenge_method: 'S256' });
      const presentation = { code, redirect_uri: 'http://test.com', code_verifier: VERIFIER };
      const first = await redeem(presentation);
      expect(first.status).toBe(200);
      // The first tokens were never used: the very case a retry window would have let through.
      const second = await redeem(presentation);
      expect(second.status).toBe(400);
      expect(second.body).toMatchObject({ error: 'invalid_grant', error_description: 'authorization code was already used' });
      expect((await request(t.url).get('/me').set('Authorization', `Bearer ${first.body.access_token}`)).status).toBe(401);
      const introspect = (token: string) => request(t.url).post('/oauth2/introspect').set('Authorization', client.basic).type('form').send({ token });
      expect((await introspect(first.body.refresh_token)).body.active).toBe(false);
      expect((await refreshWith(first.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('denies a code presented again 30 seconds after its redemption (the conformance suite’s code reuse test)', async () => {
      const code = await freshCode();
      const first = await redeem({ code, redirect_uri: 'http://test.com' });
      expect(first.status).toBe(200);
      await t.dataSource.query('UPDATE authorization_codes SET consumed_at = consumed_at - 30 WHERE consumed_at IS NOT NULL');
      const later = await redeem({ code, redirect_uri: 'http://test.com' });
      expect(later.body.error).toBe('invalid_grant');
      expect((await request(t.url).get('/me').set('Authorization', `Bearer ${first.body.access_token}`)).status).toBe(401);
    });

    it('rejects a redirect_uri that differs from the authorization request', async () => {
      const code = await freshCode();
      const res = await redeem({ code, redirect_uri: 'https://client.example.com/cb' });
      expect(res.body.error).toBe('invalid_grant');
    });

    it('requires redirect_uri at the token endpoint when it was sent at authorize (RFC 6749 §4.1.3)', async () => {
      const code = await freshCode();
      const res = await redeem({ code });
      expect(res.body.error).toBe('invalid_grant');
    });

    it('rejects a code issued to another client', async () => {
      const code = await freshCode();
      const other = await createClient(t);
      const res = await redeem({ code, redirect_uri: 'http://test.com' }, other.basic);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('rejects an expired code', async () => {
      const code = await freshCode();
      await t.dataSource.query('UPDATE authorization_codes SET expires_at = 1');
      const res = await redeem({ code, redirect_uri: 'http://test.com' });
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'authorization code expired', request_id: expect.any(String) });
    });

    it('rejects an unknown code', async () => {
      const res = await redeem({ code: 'not-a-code', redirect_uri: 'http://test.com' });
      expect(res.body.error).toBe('invalid_grant');
    });

    it('expires codes after the configured lifetime', async () => {
      const before = Math.floor(Date.now() / 1000);
      await freshCode();
      const [row] = await t.dataSource.query('SELECT expires_at, created_at FROM authorization_codes ORDER BY expires_at DESC LIMIT 1');
      expect(Number(row.expires_at) - Number(row.created_at)).toBe(300);
      expect(Number(row.created_at)).toBeGreaterThanOrEqual(before);
    });
  });
});
