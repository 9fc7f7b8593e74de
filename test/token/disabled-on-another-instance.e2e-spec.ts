import { randomUUID } from 'node:crypto';
import { ADMIN_PASSWORD, type AdminApi, adminApi } from '../support/admin';
import { createTestApp, type TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { basicAuth, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { busSubscribed, REDIS_URL, skipWithoutRedis } from '../support/redis';

/**
 * Instances cache users and applications and learn of a change through the Redis cache bus, a
 * moment after it commits. Here B listens on a channel of its own, so it never learns: the longest
 * such moment. What refuses a disabled or deleted owner's redemptions on B is then the database alone.
 */
describe(`a user or application disabled or deleted on instance A, redeeming on an instance B that still caches it as enabled [${TEST_DB}]`, () => {
  let skipped = false;
  let a: TestApp;
  let b: TestApp;
  let admin: AdminApi;
  const redirectUri = 'https://app.example/callback';
  type App = { client_id: string; client_secret: string };

  beforeAll(async () => {
    if (await skipWithoutRedis()) {
      skipped = true;
      return;
    }
    const env = { ADMIN_PASSWORD, REDIS_URL };
    a = await createTestApp({ env: { ...env, REDIS_PREFIX: `test:${randomUUID()}:` } });
    b = await createTestApp({ env: { ...env, REDIS_PREFIX: `test:${randomUUID()}:` }, database: a.database });
    admin = await adminApi(a);
    // B's caches on (else B reads the database and the test proves nothing), on a channel A never tells.
    await busSubscribed(a, b);
  });
  afterAll(async () => {
    if (skipped) return;
    await b.close({ keepDatabase: true });
    await a.close();
  });

  /** it.each(), passing without Redis where the suite is skipped (skipWithoutRedis said so). */
  const each = (name: string, path: string, test: (how: string, end: (id: string) => Promise<number>) => Promise<void>) =>
    global.it.each([
      ['disabled', (id: string) => admin.patch(`${path}/${id}`, { enabled: false }).then((res) => res.status)],
      ['deleted', (id: string) => admin.delete(`${path}/${id}`).then((res) => res.status)],
    ])(name, async (how, end) => {
      if (!skipped) await test(how, end);
    });

  const application = async (name: string): Promise<App> =>
    (
      await admin.post('/admin/applications', {
        client_name: name,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid read',
      })
    ).body as App;
  const newUser = async (username: string) => {
    const user = { username, password: `${username}-password` };
    const created = await admin.post('/admin/users', user);
    expect(created.status).toBe(201);
    return { ...user, id: created.body.id as string };
  };
  /** A code the user approves on A. */
  const code = async (app: App, user: { username: string; password: string }) => {
    const query = new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: redirectUri, scope: 'openid read' });
    return (await approveAuthorization(new FormBrowser(a.url), `/oauth2/authorize?${query}`, user)).searchParams.get('code')!;
  };
  const token = (app: App, fields: Record<string, string>) => tokenRequest(b.url, fields, basicAuth(app.client_id, app.client_secret));
  const redeem = (app: App, value: string) => token(app, { grant_type: 'authorization_code', code: value, redirect_uri: redirectUri });

  each('refuses on B at once a code and a refresh token of a user %s on A', '/admin/users', async (how, end) => {
    const app = await application(`For a leaver ${how}`);
    const user = await newUser(`leaver-${how}`);
    // Redeemed on B: B now caches the user as enabled. The second code stays unredeemed.
    const first = await redeem(app, await code(app, user));
    expect(first.status).toBe(200);
    const pending = await code(app, user);

    expect(await end(user.id)).toBeLessThan(300);
    // B was never told: its cached copy still says enabled (the admin API reads users through it).
    expect((await admin.on(b).get(`/admin/users/${user.id}`)).body).toMatchObject({ enabled: true });

    expect((await redeem(app, pending)).body).toMatchObject({ error: 'invalid_grant' });
    const refreshed = await token(app, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(refreshed.body).toMatchObject({ error: 'invalid_grant' });
  });

  each('refuses on B at once a code of an application %s on A', '/admin/applications', async (how, end) => {
    const app = await application(`App ${how}`);
    const user = await newUser(`stayer-${how}`);
    // Redeemed on B: B now caches the application as enabled. The second code stays unredeemed.
    expect((await redeem(app, await code(app, user))).status).toBe(200);
    const pending = await code(app, user);

    expect(await end(app.client_id)).toBeLessThan(300);
    // B was never told: it still authenticates the application from its cache.
    expect((await admin.on(b).get(`/admin/applications/${app.client_id}`)).status).toBe(200);

    expect((await redeem(app, pending)).body).toMatchObject({ error: 'invalid_grant' });
  });
});
