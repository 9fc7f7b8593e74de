import request from 'supertest';
import { adminToken } from '../support/admin';
import { createTestDatabase, SERVER_DB, TestDatabase } from '../support/databases';
import { basicAuth } from '../support/factories';
import { sentinelAvailable, SentinelSetup, startSentinelSetup } from '../support/redis-sentinel';
import { ServerProcess, startServer } from '../support/server-process';
import { sleep } from '../support/sleep';

const ADMIN_PASSWORD = 'sentinel-admin-password';
const missing = sentinelAvailable();
if (missing && process.env.CI === 'true') throw new Error(`the Redis Sentinel suite cannot run: ${missing}`);
if (missing) console.warn(`skipping the Redis Sentinel suite: ${missing}`);
const describeSentinel = missing ? describe.skip : describe;

/**
 * Two server instances whose counters, caches and replay store live in a Redis found through three
 * sentinels. The primary dies under load; the sentinels promote the replica and the instances
 * follow them to it.
 */
describeSentinel(`two instances on one ${SERVER_DB} database, Redis behind Sentinel`, () => {
  let redis: SentinelSetup;
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  let client: { client_id: string; client_secret: string };
  const prefix = `sentinel-${process.pid}:`;
  const user = { username: 'sentinel-user', password: 'sentinel-user-password' };

  beforeAll(async () => {
    redis = await startSentinelSetup();
    db = await createTestDatabase(SERVER_DB);
    const env = {
      ...db.env,
      ...redis.env,
      REDIS_PREFIX: prefix,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'error',
      // High enough never to refuse, low enough to count: every token request increments a counter in Redis.
      RATE_LIMIT_TOKEN_PER_MINUTE: '1000000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '0',
      RATE_LIMIT_AUTHORIZE_PER_MINUTE: '0',
    };
    servers = [await startServer(env, 60_000)];
    servers.push(await startServer(env, 60_000));
    const admin = await adminToken(servers[0], 'admin', ADMIN_PASSWORD);
    client = (
      await request(servers[0].url)
        .post('/admin/applications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ client_name: 'Sentinel', redirect_uris: ['http://test.com'], grant_types: ['password', 'client_credentials'], scope: 'read' })
    ).body;
    await request(servers[1].url).post('/admin/users').set('Authorization', `Bearer ${admin}`).send(user).expect(201);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await db?.drop();
    await redis?.stop();
  }, 60_000);

  const token = (server: ServerProcess, body: Record<string, string>) =>
    request(server.url).post('/oauth2/token').set('Authorization', basicAuth(client.client_id, client.client_secret)).type('form').send(body);
  const introspect = (server: ServerProcess, value: string) =>
    request(server.url).post('/oauth2/introspect').set('Authorization', basicAuth(client.client_id, client.client_secret)).type('form').send({ token: value });
  const keys = (port: number, pattern: string) =>
    (redis.primary.port === port ? redis.primary : redis.replica).cli('--scan', '--pattern', `${prefix}${pattern}`).split('\n').filter(Boolean);

  it('follows the sentinels to the promoted replica when the primary is killed under load: only 503s during the switch, lockouts work on', async () => {
    const answers: { at: number; status: number }[] = [];
    const acknowledged: string[] = [];
    let stop = false;
    const load = async (server: ServerProcess, grant: 'client_credentials' | 'password') => {
      while (!stop) {
        const res = await token(server, grant === 'password' ? { grant_type: 'password', ...user } : { grant_type: 'client_credentials' }).catch(
          () => undefined,
        );
        answers.push({ at: Date.now(), status: res?.status ?? 0 });
        if (res?.status === 200) acknowledged.push(res.body.access_token);
        else await sleep(20);
      }
    };
    const workers = servers.flatMap((server) => [load(server, 'client_credentials'), load(server, 'client_credentials'), load(server, 'password')]);
    await sleep(1000);
    // Written to the primary by the instances, replicated to the replica.
    expect(keys(redis.primary.port, 'rate:*').length).toBeGreaterThan(0);

    await redis.primary.stop('SIGKILL');
    const killedAt = Date.now();
    while (redis.currentPrimaryPort() !== redis.replica.port) {
      if (Date.now() - killedAt > 30_000) throw new Error('the sentinels did not promote the replica within 30 s');
      await sleep(100);
    }
    const promotedAt = Date.now();
    // Every instance serves through the new primary again within a few seconds of the promotion.
    await sleep(5000);
    const settledAt = Date.now();
    await sleep(2000);
    stop = true;
    await Promise.all(workers);

    const count = (from: number, to: number) =>
      answers.filter((a) => a.at >= from && a.at < to).reduce<Record<number, number>>((all, a) => ({ ...all, [a.status]: (all[a.status] ?? 0) + 1 }), {});
    console.log(
      `sentinel failover: promoted ${promotedAt - killedAt} ms after the kill; answers before ${JSON.stringify(count(0, killedAt))}, during ${JSON.stringify(
        count(killedAt, settledAt),
      )}, after ${JSON.stringify(count(settledAt, Infinity))}`,
    );
    // A lockout check that cannot reach Redis refuses (LOCKOUT_STORE_FAILURE=closed): 503, nothing done.
    expect(Object.keys(count(0, Infinity)).filter((status) => status !== '200' && status !== '503')).toEqual([]);
    expect(count(0, killedAt)).toEqual({ 200: expect.any(Number) });
    expect(count(settledAt, Infinity)).toEqual({ 200: expect.any(Number) });

    // The counters are written to the promoted replica now.
    expect(redis.replica.cli('ROLE').split('\n')[0]).toBe('master');
    const before = redis.replica.cli('INFO', 'stats').match(/total_commands_processed:(\d+)/)![1];
    await token(servers[1], { grant_type: 'client_credentials' }).expect(200);
    expect(Number(redis.replica.cli('INFO', 'stats').match(/total_commands_processed:(\d+)/)![1])).toBeGreaterThan(Number(before) + 1);
    for (const server of servers) {
      expect((await request(server.url).get('/health/ready')).body).toMatchObject({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    }
    // Lockouts count on the new primary, across instances: the sixth attempt is refused even with the right password.
    const other = { username: 'sentinel-user', password: 'wrong-password' };
    for (let i = 0; i < 5; i++) expect((await token(servers[i % 2], { grant_type: 'password', ...other })).status).toBe(400);
    expect((await token(servers[0], { grant_type: 'password', ...user })).status).not.toBe(200);
    // Nothing kept in the database was lost: every acknowledged token is active.
    let inactive = 0;
    for (const [i, value] of acknowledged.entries()) if ((await introspect(servers[i % 2], value)).body.active !== true) inactive++;
    expect({ acknowledged: acknowledged.length > 50, inactive }).toEqual({ acknowledged: true, inactive: 0 });
  }, 120_000);
});
