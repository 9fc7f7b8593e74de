import request from 'supertest';
import { adminToken } from '../support/admin';
import { createTestDatabase, SERVER_DB } from '../support/databases';
import { basicAuth } from '../support/factories';
import { ServerProcess, startServer, waitUntilReady } from '../support/server-process';
import { startProxiedServer } from '../support/proxied-server';
import type { TcpProxy } from '../support/tcp-proxy';
import { sleep } from '../support/sleep';

const ADMIN_PASSWORD = 'faults-admin-password';
const REQUEST_TIMEOUT_MS = 3000;

describe('the database goes away and comes back', () => {
  let proxy: TcpProxy;
  let server: ServerProcess;
  let stop: (() => Promise<void>) | undefined;
  let client: { client_id: string; client_secret: string };
  let beforeFault: { access_token: string; refresh_token: string };
  const user = { username: 'survivor', password: 'survivor-password' };

  beforeAll(async () => {
    ({ proxy, server, stop } = await startProxiedServer({ ADMIN_PASSWORD, REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), LOG_LEVEL: 'warn' }));
    const admin = await adminToken(server, 'admin', ADMIN_PASSWORD);
    client = (
      await request(server.url)
        .post('/admin/applications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ client_name: 'Survivor', grant_types: ['password', 'refresh_token', 'client_credentials'], scope: 'read' })
    ).body;
    await request(server.url).post('/admin/users').set('Authorization', `Bearer ${admin}`).send(user);
    beforeFault = (await tokenRequest({ grant_type: 'password', ...user })).body;
    expect(beforeFault.access_token).toBeDefined();
  });
  afterAll(() => stop?.());

  function tokenRequest(body: Record<string, string>) {
    return request(server.url)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.client_id, client.client_secret))
      .type('form')
      .timeout(REQUEST_TIMEOUT_MS + 5000)
      .send(body);
  }

  async function expectUnavailable(res: request.Response, started: number): Promise<void> {
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 2000);
  }

  it('answers 503 JSON quickly while connections are refused; ready says not ready, live stays up', async () => {
    await proxy.refuse();
    for (const send of [
      () => tokenRequest({ grant_type: 'client_credentials' }),
      () => request(server.url).get('/me').set('Authorization', `Bearer ${beforeFault.access_token}`).timeout(8000),
    ]) {
      const started = Date.now();
      await expectUnavailable(await send(), started);
    }
    const ready = await request(server.url).get('/health/ready').timeout(8000);
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'unavailable', checks: { database: 'down' } });
    expect((await request(server.url).get('/health/live')).status).toBe(200);
    expect(server.process.exitCode).toBeNull();
  });

  it('never hangs past the request timeout when the database stops answering (black hole)', async () => {
    await proxy.restore();
    proxy.blackhole();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 5 }, () => tokenRequest({ grant_type: 'client_credentials' })));
    for (const res of results) await expectUnavailable(res, started);
    const ready = Date.now();
    expect((await request(server.url).get('/health/ready').timeout(8000)).status).toBe(503);
    expect(Date.now() - ready).toBeLessThan(4000);
    expect(server.process.exitCode).toBeNull();
  });

  it('resumes service without a restart, and tokens issued before the fault still work', async () => {
    await proxy.restore();
    await waitUntilReady(server);
    const me = await request(server.url).get('/me').set('Authorization', `Bearer ${beforeFault.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(user.username);
    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: beforeFault.refresh_token });
    expect(refreshed.status).toBe(200);
    expect((await tokenRequest({ grant_type: 'client_credentials' })).status).toBe(200);
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests on SIGTERM and exits 0', async () => {
    const db = await createTestDatabase(SERVER_DB);
    // 40 concurrent logins of one account: raise the per-account attempt budget for this test.
    const server = await startServer({ ...db.env, ADMIN_PASSWORD, LOG_LEVEL: 'log', RATE_LIMIT_TOKEN_PER_MINUTE: '0', LOGIN_MAX_FAILURES: '1000' });
    try {
      // Password grants cost an argon2 hash each: 40 of them keep the server busy for a while.
      const body = new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: ADMIN_PASSWORD, scope: 'admin' });
      // fetch sends at once (a supertest request would wait until awaited).
      const inFlight = Array.from({ length: 40 }, () => fetch(`${server.url}/oauth2/token`, { method: 'POST', body }));
      await sleep(30);
      const exit = server.stop('SIGTERM');
      const results = await Promise.allSettled(inFlight);
      const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'reset'));
      // Requests already accepted finish with 200; none is cut off mid-way.
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s !== 200 && s !== 'reset')).toEqual([]);
      expect(await exit).toBe(0);
      expect(server.logs()).toContain('SIGTERM received');
    } finally {
      await server.stop('SIGKILL');
      await db.drop();
    }
  });
});
