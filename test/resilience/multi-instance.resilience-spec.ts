import request from 'supertest';
import { AdminApi, adminApi } from '../support/admin';
import { createTestDatabase, SERVER_DB, TestDatabase } from '../support/databases';
import { basicAuth, BUILT_IN_GRANT_TYPES, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { NO_RATE_LIMITS } from '../support/no-rate-limits';
import { ServerProcess, startServer } from '../support/server-process';

const ADMIN_PASSWORD = 'resilience-admin-password';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two server processes on two ports and one database (MariaDB or PostgreSQL); with Redis, clients and settings are cached. */
describe.each([
  ['without Redis', {}],
  ['with Redis-invalidated caches', { REDIS_URL, REDIS_PREFIX: `resilience-${process.pid}:` }],
])(`two instances on one ${SERVER_DB} database, %s`, (_name, extraEnv: Record<string, string>) => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: AdminApi;
  let client: { client_id: string; client_secret: string };
  const user = { username: 'racer', password: 'racer-password' };

  beforeAll(async () => {
    db = await createTestDatabase(SERVER_DB);
    const env = {
      ...db.env,
      ...extraEnv,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      ...NO_RATE_LIMITS,
      // The races check rotation and reuse detection alone: within a retry window, a use that reads
      // the rotation after it committed is taken for the retry of a lost answer (a second 200 by design).
      TOKEN_RETRY_WINDOW_SECONDS: '0',
    };
    a = await startServer(env);
    b = await startServer(env);
    admin = await adminApi(a, ADMIN_PASSWORD);
    client = (
      await admin.post('/admin/applications', { client_name: 'Racer', redirect_uris: ['http://test.com'], grant_types: BUILT_IN_GRANT_TYPES, scope: 'read' })
    ).body;
    await admin.post('/admin/users', user);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  const basic = () => basicAuth(client.client_id, client.client_secret);
  const authorizeUrl = () => `/oauth2/authorize?response_type=code&client_id=${client.client_id}&redirect_uri=http%3A%2F%2Ftest.com&scope=read`;
  const redeem = (server: ServerProcess, code: string) =>
    tokenRequest(server.url, { grant_type: 'authorization_code', code, redirect_uri: 'http://test.com' }, basic());

  it('redeems on B a code obtained on A, with the login session from A valid on B', async () => {
    const onA = new FormBrowser(a.url);
    const redirect = await approveAuthorization(onA, authorizeUrl(), user);
    expect((await redeem(b, redirect.searchParams.get('code')!)).status).toBe(200);

    const onB = new FormBrowser(b.url);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
    const page = await onB.get(authorizeUrl());
    expect(page.status).toBe(302);
  });

  it('enforces on B a settings change made through A’s admin API, on B’s next request', async () => {
    for (let i = 0; i < 3; i++) await request(b.url).get(authorizeUrl()); // warm B's settings cache
    await admin.patch('/admin/settings', { pkce_required: true });
    try {
      const res = await request(b.url).get(authorizeUrl());
      expect(new URL(res.headers['location']).searchParams.get('error')).toBe('invalid_request');
    } finally {
      await admin.patch('/admin/settings', { pkce_required: false });
    }
  });

  it('lets exactly one of 50 concurrent redemptions of one code succeed, split over both instances', async () => {
    const redirect = await approveAuthorization(new FormBrowser(a.url), authorizeUrl(), user);
    const code = redirect.searchParams.get('code')!;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => redeem(i % 2 ? a : b, code)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(49);
    // The replays revoke what the one success issued (RFC 6749 §4.1.2), whatever the interleaving.
    expect((await request(b.url).get('/me').set('Authorization', `Bearer ${ok[0].body.access_token}`)).status).toBe(401);
  });

  it('issues exactly one new token pair for 50 concurrent uses of one refresh token', async () => {
    const first = (await tokenRequest(a.url, { grant_type: 'password', ...user }, basic())).body;
    const refresh = (i: number) => tokenRequest((i % 2 ? a : b).url, { grant_type: 'refresh_token', refresh_token: first.refresh_token }, basic());
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => refresh(i)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    // Every other use is a reuse (invalid_grant), or a conflict the database would not serialize,
    // answered 503 with no effect: presented again, it is a reuse too.
    const losers = await Promise.all(results.map(async (r, i) => (r.status === 503 ? (await refresh(i)).body.error : r.body.error)));
    expect(losers.filter((error) => error === 'invalid_grant')).toHaveLength(49);
    // Reuse of the rotated token revokes the whole family, the winner's new pair included (grace off).
    expect((await request(a.url).get('/me').set('Authorization', `Bearer ${ok[0].body.access_token}`)).status).toBe(401);
    const next = await tokenRequest(a.url, { grant_type: 'refresh_token', refresh_token: ok[0].body.refresh_token }, basic());
    expect(next.body.error).toBe('invalid_grant');
  });

  it('with a grace period, refuses concurrent retries of one refresh token without revoking the new pair', async () => {
    const env = { ...db.env, ...extraEnv, ADMIN_PASSWORD, LOG_LEVEL: 'warn', RATE_LIMIT_TOKEN_PER_MINUTE: '0', REFRESH_REUSE_GRACE_SECONDS: '10' };
    const [c, d] = await Promise.all([startServer(env), startServer(env)]);
    try {
      const first = (await tokenRequest(c.url, { grant_type: 'password', ...user }, basic())).body;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => tokenRequest((i % 2 ? c : d).url, { grant_type: 'refresh_token', refresh_token: first.refresh_token }, basic())),
      );
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => r.body.error_description === 'refresh token was just rotated')).toHaveLength(49);
      expect((await request(c.url).get('/me').set('Authorization', `Bearer ${ok[0].body.access_token}`)).status).toBe(200);
    } finally {
      await Promise.all([c.stop(), d.stop()]);
    }
  });

  it('stops a rotated secret and a deleted application at once on the other instance', async () => {
    const app = (await admin.post('/admin/applications', { client_name: 'Rotated', grant_types: ['client_credentials'] })).body;
    const cc = (server: ServerProcess, secret: string) => tokenRequest(server.url, { grant_type: 'client_credentials' }, basicAuth(app.client_id, secret));
    // Warm B's cache (when caching is on) before the change made through A.
    for (let i = 0; i < 3; i++) expect((await cc(b, app.client_secret)).status).toBe(200);
    const rotated = (await admin.post(`/admin/applications/${app.client_id}/secret`)).body;
    expect((await cc(b, app.client_secret)).status).toBe(401);
    expect((await cc(b, rotated.client_secret)).status).toBe(200);
    await admin.delete(`/admin/applications/${app.client_id}`);
    expect((await cc(b, rotated.client_secret)).status).toBe(401);
  });
});
