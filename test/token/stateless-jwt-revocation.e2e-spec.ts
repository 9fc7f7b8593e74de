import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { ExpiredDataCleanupService } from '../../src/maintenance/expired-data-cleanup.service';
import { type AdminApi, appPairWithAdminApi } from '../support/admin';
import type { TestApp, TestAppPair } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { basicAuth, introspectionRequest, revocationRequest, tokenRequest } from '../support/factories';
import { busSubscribed, REDIS_URL, skipWithoutRedis } from '../support/redis';
import { sleep } from '../support/sleep';
import { sql } from '../support/sql';

/**
 * JWT access tokens are not stored: they stand on their signature, and a revocation is a deny-list
 * entry (one `jti`) or a not-before time (a grant family, a user, an application) that every
 * instance checks at introspection, /me and userinfo.
 */
const BUSES = [
  { bus: 'without a cache bus (each check reads the table)', redis: false },
  { bus: 'with the Redis cache bus (each instance checks its in-memory mirror)', redis: true },
];

describe.each(BUSES)(`stateless JWT access tokens and their revocation, on two instances, $bus [${TEST_DB}]`, ({ redis }) => {
  let skipped = false;
  let pair: TestAppPair;
  let admin: AdminApi;
  let app: { client_id: string; client_secret: string };

  beforeAll(async () => {
    if (redis && (await skipWithoutRedis())) {
      skipped = true;
      return;
    }
    const bus: Record<string, string> = redis ? { REDIS_URL, REDIS_PREFIX: `test:${randomUUID()}:` } : {};
    ({ api: admin, ...pair } = await appPairWithAdminApi({ env: { TOKEN_RETRY_WINDOW_SECONDS: '0', ...bus } }));
    app = (
      await admin.post('/admin/applications', {
        client_name: 'JWT application',
        grant_types: ['password', 'refresh_token', 'client_credentials'],
        scope: 'openid profile read',
        access_token_format: 'jwt',
      })
    ).body;
    // With the bus, both instances subscribed first: before that they bypass what the bus keeps.
    if (redis) await busSubscribed(pair.a, pair.b);
  });
  afterAll(async () => {
    if (!skipped) await pair.close();
  });
  /** it(), passing without Redis where the suite is skipped (skipWithoutRedis said so). */
  const it = (name: string, test: () => Promise<void>) =>
    global.it(name, async () => {
      if (!skipped) await test();
    });

  let users = 0;
  async function newUser(): Promise<{ id: string; username: string; password: string }> {
    const username = `jwt-user-${++users}`;
    const created = await admin.post('/admin/users', { username, password: 'jwt-user-password' });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, username, password: 'jwt-user-password' };
  }
  const token = (instance: TestApp, fields: Record<string, string>) => tokenRequest(instance.url, fields, basicAuth(app.client_id, app.client_secret));
  const passwordGrant = (user: { username: string; password: string }) =>
    token(pair.a, { grant_type: 'password', username: user.username, password: user.password, scope: 'openid profile read' });
  const introspect = async (instance: TestApp, value: string) =>
    (await introspectionRequest(instance.url, { token: value }, basicAuth(app.client_id, app.client_secret))).body as { active: boolean };
  /** What instance B answers for a JWT at introspection, /me and userinfo. */
  const onB = async (jwt: string) => ({
    introspection: (await introspect(pair.b, jwt)).active,
    me: (await request(pair.b.url).get('/me').set('Authorization', `Bearer ${jwt}`)).status,
    userinfo: (await request(pair.b.url).get('/oauth2/userinfo').set('Authorization', `Bearer ${jwt}`)).status,
  });
  const accepted = { introspection: true, me: 200, userinfo: 200 };
  const refused = { introspection: false, me: 401, userinfo: 401 };
  /**
   * What instance B answers once a revocation made on A has reached it. A answers after its commit
   * and its PUBLISH; B learns of it when its subscriber reads the message, which a request sent right
   * after A's answer can overtake (all of it shares one process here). So B is asked again for up to
   * 2 s: a revocation that never reaches B, or an endpoint that does not check, still fails.
   */
  const onBOnceDelivered = async (jwt: string) => {
    const deadline = Date.now() + 2000;
    for (;;) {
      const answer = await onB(jwt);
      if (answer.introspection === false || Date.now() > deadline) return answer;
      await sleep(20);
    }
  };

  it('issues a JWT access token without storing a row for it, carrying its grant family', async () => {
    const [{ count: before }] = await sql<{ count: number }>(pair.a.dataSource, 'SELECT COUNT(*) AS count FROM access_tokens');
    const res = await passwordGrant(await newUser());
    expect(res.status).toBe(200);
    const [{ count: after }] = await sql<{ count: number }>(pair.a.dataSource, 'SELECT COUNT(*) AS count FROM access_tokens');
    expect(Number(after)).toBe(Number(before));
    expect(decodeJwt(res.body.access_token as string)).toMatchObject({ client_id: app.client_id, grant_id: expect.any(String), jti: expect.any(String) });
    expect(await onB(res.body.access_token as string)).toEqual(accepted);
  });

  it('refuses a JWT revoked on instance A at once on instance B (introspection, /me, userinfo); other JWTs stay valid', async () => {
    const user = await newUser();
    const revoked = (await passwordGrant(user)).body.access_token as string;
    const other = (await passwordGrant(user)).body.access_token as string;
    const res = await revocationRequest(pair.a.url, { token: revoked }, basicAuth(app.client_id, app.client_secret));
    expect(res.status).toBe(200);
    expect(await onBOnceDelivered(revoked)).toEqual(refused);
    expect(await onB(other)).toEqual(accepted);
  });

  it('refuses every JWT of a user disabled on instance A, and accepts new ones once the user is enabled again', async () => {
    const user = await newUser();
    const jwts = [(await passwordGrant(user)).body.access_token as string, (await passwordGrant(user)).body.access_token as string];
    expect((await admin.patch(`/admin/users/${user.id}`, { enabled: false })).status).toBe(200);
    for (const jwt of jwts) expect(await onBOnceDelivered(jwt)).toEqual(refused);
    expect((await admin.patch(`/admin/users/${user.id}`, { enabled: true })).status).toBe(200);
    for (const jwt of jwts) expect(await onB(jwt)).toEqual(refused);
    expect(await onB((await passwordGrant(user)).body.access_token as string)).toEqual(accepted);
  });

  it('refuses every JWT of a refresh-token family once a reuse revoked the family', async () => {
    const user = await newUser();
    const first = (await passwordGrant(user)).body as { access_token: string; refresh_token: string };
    const rotated = await token(pair.a, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(rotated.status).toBe(200);
    const unrelated = (await passwordGrant(user)).body.access_token as string;
    expect(await onB(rotated.body.access_token as string)).toEqual(accepted);
    // RFC 9700 §4.14.2: the first refresh token presented again is a replay: the family is revoked.
    const reused = await token(pair.b, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(reused.body.error).toBe('invalid_grant');
    expect(await onBOnceDelivered(first.access_token)).toEqual(refused);
    expect(await onB(rotated.body.access_token as string)).toEqual(refused);
    expect(await onB(unrelated)).toEqual(accepted);
  });

  it('refuses the JWTs of an application disabled on instance A', async () => {
    const jwt = (await token(pair.a, { grant_type: 'client_credentials', scope: 'read' })).body.access_token as string;
    expect(await introspect(pair.b, jwt)).toMatchObject({ active: true });
    const other = (await admin.post('/admin/applications', { client_name: 'Introspecting resource server' })).body as {
      client_id: string;
      client_secret: string;
    };
    expect((await admin.patch(`/admin/applications/${app.client_id}`, { enabled: false })).status).toBe(200);
    try {
      const res = await introspectionRequest(pair.b.url, { token: jwt }, basicAuth(other.client_id, other.client_secret));
      expect(res.body).toEqual({ active: false });
    } finally {
      expect((await admin.patch(`/admin/applications/${app.client_id}`, { enabled: true })).status).toBe(200);
    }
    expect(await introspect(pair.b, jwt)).toEqual({ active: false });
  });

  it('keeps a revoked JWT’s deny-list entry until the token expires; then the janitor deletes it', async () => {
    const jwt = (await passwordGrant(await newUser())).body.access_token as string;
    const { jti, exp } = decodeJwt(jwt) as { jti: string; exp: number };
    await revocationRequest(pair.a.url, { token: jwt }, basicAuth(app.client_id, app.client_secret));
    const entry = () => sql(pair.a.dataSource, 'SELECT id FROM token_revocations WHERE id = ?', [`jti:${jti}`]);
    expect(await entry()).toHaveLength(1);
    await pair.a.app.get(ExpiredDataCleanupService).runOnce(exp - 1);
    expect(await entry()).toHaveLength(1);
    const deleted = await pair.b.app.get(ExpiredDataCleanupService).runOnce(exp + 1);
    expect(deleted.token_revocations).toBeGreaterThanOrEqual(1);
    expect(await entry()).toHaveLength(0);
  });
});
