import { randomUUID } from 'node:crypto';
import { ADMIN_PASSWORD, type AdminApi, adminApi } from '../support/admin';
import { createTestApp, type TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { basicAuth, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { REDIS_URL, skipWithoutRedis } from '../support/redis';

/**
 * Instances cache users and learn of a change through the Redis cache bus, a moment after it
 * commits. Here B listens on a channel of its own, so it never learns: the longest such moment.
 * What refuses a disabled or deleted user's redemptions on B is then the database alone.
 */
describe(`a user disabled or deleted on instance A, redeeming on an instance B that still caches them as enabled [${TEST_DB}]`, () => {
  let skipped = false;
  let a: TestApp;
  let b: TestApp;
  let admin: AdminApi;
  let app: { client_id: string; client_secret: string };
  const redirectUri = 'https://app.example/callback';

  beforeAll(async () => {
    if (await skipWithoutRedis()) {
      skipped = true;
      return;
    }
    const env = { ADMIN_PASSWORD, REDIS_URL };
    a = await createTestApp({ env: { ...env, REDIS_PREFIX: `test:${randomUUID()}:` } });
    b = await createTestApp({ env: { ...env, REDIS_PREFIX: `test:${randomUUID()}:` }, database: a.database });
    admin = await adminApi(a);
    app = (
      await admin.post('/admin/applications', {
        client_name: 'Two instances',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid read',
      })
    ).body;
  });
  afterAll(async () => {
    if (skipped) return;
    await b.close({ keepDatabase: true });
    await a.close();
  });
  /** it.each(), passing without Redis where the suite is skipped (skipWithoutRedis said so). */
  const each = (name: string, test: (how: string, end: (id: string) => Promise<number>) => Promise<void>) =>
    global.it.each([
      ['disabled', (id: string) => admin.patch(`/admin/users/${id}`, { enabled: false }).then((res) => res.status)],
      ['deleted', (id: string) => admin.delete(`/admin/users/${id}`).then((res) => res.status)],
    ])(name, async (how, end) => {
      if (!skipped) await test(how, end);
    });

  /** A code the user approves on A. */
  const code = async (user: { username: string; password: string }) => {
    const query = new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: redirectUri, scope: 'openid read' });
    return (await approveAuthorization(new FormBrowser(a.url), `/oauth2/authorize?${query}`, user)).searchParams.get('code')!;
  };
  const token = (instance: TestApp, fields: Record<string, string>) => tokenRequest(instance.url, fields, basicAuth(app.client_id, app.client_secret));

  each('refuses on B at once a code and a refresh token of a user %s on A', async (how, end) => {
    const user = { username: `leaver-${how}`, password: 'leaver-password' };
    const created = await admin.post('/admin/users', user);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // Redeemed on B: B now caches the user as enabled. The second code stays unredeemed.
    const first = await token(b, { grant_type: 'authorization_code', code: await code(user), redirect_uri: redirectUri });
    expect(first.status).toBe(200);
    const pending = await code(user);

    expect(await end(id)).toBeLessThan(300);
    // B was never told: its cached copy still says enabled (the admin API reads users through it).
    expect((await admin.on(b).get(`/admin/users/${id}`)).body).toMatchObject({ enabled: true });

    const redeemed = await token(b, { grant_type: 'authorization_code', code: pending, redirect_uri: redirectUri });
    expect(redeemed.body).toMatchObject({ error: 'invalid_grant' });
    const refreshed = await token(b, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(refreshed.body).toMatchObject({ error: 'invalid_grant' });
  });
});
