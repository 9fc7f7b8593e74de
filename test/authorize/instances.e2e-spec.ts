import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, TestClient, TestUser, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';

describe(`no state in process memory: restarts and several instances on one database [${TEST_DB}]`, () => {
  let a: TestApp;
  let b: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    ({ t: a, client, user } = await appWithClientAndUser());
    b = await createTestApp({ database: a.database });
  });
  afterAll(async () => {
    await b.close({ keepDatabase: true });
    await a.close();
  });

  const authorizeUrl = `/oauth2/authorize?response_type=code&redirect_uri=http%3A%2F%2Ftest.com&scope=read`;

  it('accepts on instance B the login session and the code obtained on instance A', async () => {
    const onA = new FormBrowser(a.url);
    await approveAuthorization(onA, `${authorizeUrl}&client_id=${client.clientId}`, user);

    const onB = new FormBrowser(b.url);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
    const page = await onB.get(`${authorizeUrl}&client_id=${client.clientId}&state=b`);
    expect(page.status).toBe(302); // signed in and consented already: straight back with a code
    const code = new URL(page.location!).searchParams.get('code')!;

    const onAAgain = await tokenRequest(a.url, { grant_type: 'authorization_code', code, redirect_uri: 'http://test.com' }, client.basic);
    expect(onAAgain.status).toBe(200);
  });

  it('enforces on instance B a settings change made through instance A, on the next request', async () => {
    await a.settings.update({ pkceRequired: true });
    try {
      const res = await request(b.url).get(`${authorizeUrl}&client_id=${client.clientId}`);
      expect(new URL(res.headers['location']).searchParams.get('error')).toBe('invalid_request');
    } finally {
      await a.settings.update({ pkceRequired: false });
    }
  });

  it('rotates refresh tokens on instance A while instance B keeps writing tokens (no lost write locks)', async () => {
    // A code grant or refresh that spends its input must take the write lock first: on SQLite a
    // transaction that began with a read cannot be upgraded after another connection wrote.
    const token = (app: TestApp, body: Record<string, string>) => tokenRequest(app.url, body, client.basic);
    const pairs = await Promise.all(
      Array.from({ length: 4 }, () => token(a, { grant_type: 'password', username: user.username, password: user.password, scope: 'read' })),
    );
    let refreshTokens = pairs.map((r) => r.body.refresh_token as string);
    for (let round = 0; round < 10; round++) {
      const [rotated] = await Promise.all([
        Promise.all(refreshTokens.map((refreshToken) => token(a, { grant_type: 'refresh_token', refresh_token: refreshToken }))),
        Promise.all(Array.from({ length: 8 }, () => token(b, { grant_type: 'client_credentials', scope: 'read' }))),
      ]);
      expect(rotated.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      refreshTokens = rotated.map((r) => r.body.refresh_token as string);
    }
  });

  it('keeps the login session across a restart', async () => {
    const browser = new FormBrowser(a.url);
    await approveAuthorization(browser, `${authorizeUrl}&client_id=${client.clientId}&prompt=consent`, user);
    await b.close({ keepDatabase: true });
    b = await createTestApp({ database: a.database });
    const restarted = new FormBrowser(b.url);
    for (const [name, value] of browser.cookies) restarted.cookies.set(name, value);
    const page = await restarted.get(`${authorizeUrl}&client_id=${client.clientId}`);
    expect(page.status).toBe(302);
    expect(new URL(page.location!).searchParams.get('code')).toBeTruthy();
  });

  it('does not accept a forged or expired session cookie', async () => {
    const forged = new FormBrowser(a.url);
    forged.cookies.set('oauth_session', 'x'.repeat(43));
    const page = await forged.get(`${authorizeUrl}&client_id=${client.clientId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="password"');

    const browser = new FormBrowser(a.url);
    await approveAuthorization(browser, `${authorizeUrl}&client_id=${client.clientId}&prompt=consent`, user);
    await a.dataSource.query('UPDATE login_sessions SET expires_at = 1');
    const expired = await browser.get(`${authorizeUrl}&client_id=${client.clientId}`);
    expect(expired.body).toContain('name="password"');
  });
});
