import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClient, appWithClientAndUser, createUser, TestClient, TestUser, passwordGrantRequest } from '../support/factories';
import { FormBrowser } from '../support/form-browser';

describe(`refresh reuse grace period (off by default) [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => ({ t, client, user } = await appWithClientAndUser({}, {}, { REFRESH_REUSE_GRACE_SECONDS: '30' })));
  afterAll(() => t.close());

  it('refuses a retried refresh within the grace period without revoking the new tokens', async () => {
    const first = (await passwordGrantRequest(t, client, user)).body;
    const refresh = () =>
      request(t.url)
        .post('/oauth/token')
        .set('Authorization', client.basic)
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    const rotated = await refresh();
    expect(rotated.status).toBe(200);
    const retried = await refresh();
    expect(retried.body).toEqual({ error: 'invalid_grant', error_description: 'refresh token was just rotated', request_id: expect.any(String) });
    expect((await request(t.url).get('/me').set('Authorization', `Bearer ${rotated.body.access_token}`)).status).toBe(200);
    const next = await request(t.url)
      .post('/oauth/token')
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token });
    expect(next.status).toBe(200);
  });
});

describe(`pages and redirects [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;

  beforeAll(async () => ({ t, client } = await appWithClient({}, { TRUST_PROXY: 'loopback' })));
  afterAll(() => t.close());

  it('marks the session and CSRF cookies Secure when served over HTTPS (behind a TLS proxy)', async () => {
    const user = await createUser(t);
    const browser = new FormBrowser(t.url, { 'X-Forwarded-Proto': 'https' });
    const url = `/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com`;
    const login = await browser.get(url);
    const csrf = login.headers.getSetCookie().join('\n');
    expect(csrf).toMatch(/oauth_csrf=[^;]+;.*HttpOnly/);
    expect(csrf).toContain('Secure');
    expect(csrf).toContain('SameSite=Lax');
    const consent = await browser.submit(login, { username: user.username, password: user.password });
    const session = consent.headers.getSetCookie().find((c) => c.includes('oauth_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/SameSite=Lax/);
  });

  it('treats a JSON-looking session cookie ("j:…") as no session, not a 500', async () => {
    const url = `/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com`;
    for (const value of ['j:1', 'j:{"a":1}', 'j:null']) {
      const res = await request(t.url)
        .get(url)
        .set('Cookie', `oauth_session=${encodeURIComponent(value)}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('name="password"');
      expect(
        (
          await request(t.url)
            .get('/account/consents')
            .set('Cookie', `oauth_session=${encodeURIComponent(value)}`)
        ).status,
      ).toBe(200);
    }
  });

  it('does not set Secure on plain HTTP (so local development works)', async () => {
    const page = await request(t.url).get(`/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com`);
    expect(String(page.headers['set-cookie'])).not.toContain('Secure');
  });

  it('returns state byte for byte, including characters that need encoding', async () => {
    const state = 'a b&c=d/é?#%2F';
    const user = await createUser(t);
    const browser = new FormBrowser(t.url);
    const login = await browser.get(
      `/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com&state=${encodeURIComponent(state)}`,
    );
    const consent = await browser.submit(login, { username: user.username, password: user.password });
    const done = await browser.submit(consent, { action: 'approve' });
    expect(new URL(done.location!).searchParams.get('state')).toBe(state);
  });

  it.each([
    ['a look-alike host', 'http://test.com.evil.example'],
    ['user info in the URL', 'http://test.com@evil.example'],
    ['a protocol-relative URL', '//evil.example'],
    ['a javascript: URI', 'javascript:alert(1)'],
  ])('never redirects to an unregistered redirect URI: %s', async (_name, redirectUri) => {
    const res = await request(t.url).get(`/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}`);
    expect(res.status).toBe(400);
    expect(res.headers['location']).toBeUndefined();
  });

  it('sends anti-clickjacking and no-referrer headers on every page', async () => {
    for (const path of [
      '/account/consents',
      `/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com`,
      '/oauth2/authorize',
    ]) {
      const res = await request(t.url).get(path);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});
