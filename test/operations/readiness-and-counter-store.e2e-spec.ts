import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, tokenRequest } from '../support/factories';
import { REDIS_URL, skipWithoutRedis } from '../support/redis';
import { FakeRedis } from '../support/fake-redis';
import { freePort } from '../support/free-port';

describe(`/health/ready reports each dependency [${TEST_DB}]`, () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('is 200 with the database up, and lists no Redis when REDIS_URL is unset', async () => {
    app = await createTestApp();
    const res = await request(app.url).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'up' } });
  });

  it('is 200 with the database and Redis up when Redis answers', async () => {
    if (await skipWithoutRedis()) return;
    app = await createTestApp({ env: { REDIS_URL, REDIS_PREFIX: `test:${randomUUID()}:` } });
    const res = await request(app.url).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('is 503 naming Redis as down when REDIS_URL is set and Redis does not answer', async () => {
    app = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
    const res = await request(app.url).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable', checks: { database: 'up', redis: 'down' } });
    expect((await request(app.url).get('/health/live')).status).toBe(200);
  });
});

describe(`a failing counter store follows the documented policy [${TEST_DB}]`, () => {
  let app: TestApp | undefined;
  let errors: jest.SpyInstance;
  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    errors.mockRestore();
    await app?.close();
    app = undefined;
  });

  /** An app whose REDIS_URL points at a port nobody listens on. */
  async function appWithRedisDown(env: Record<string, string> = {}): Promise<TestApp> {
    app = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, ...env } });
    return app;
  }

  function passwordGrant(target: TestApp, basic: string, user: { username: string; password: string }) {
    return tokenRequest(target.url, { grant_type: 'password', ...user }, basic);
  }

  it('fails closed for lockouts by default: sign-ins and client authentication answer 503, and the failure is logged and counted', async () => {
    const managementPort = await freePort();
    const target = await appWithRedisDown({ MANAGEMENT_PORT: String(managementPort) });
    const client = await createClient(target);
    const user = await createUser(target);
    const res = await passwordGrant(target, client.basic, user);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(errors).toHaveBeenCalledWith(expect.stringMatching(/^counter store failing .*lockouts fail closed, rate limits fail open$/));
    const metrics = await (await fetch(`http://127.0.0.1:${managementPort}/metrics`)).text();
    // The client lockout check refused the request; the rate limit before it failed open.
    expect(metrics).toMatch(/^oauth_counter_store_failures_total\{use="lockout"\} 1$/m);
    expect(metrics).toMatch(/^oauth_counter_store_failures_total\{use="rate_limit"\} 1$/m);
  });

  it('lets attempts through uncounted with LOCKOUT_STORE_FAILURE=open, rate limits failing open by default', async () => {
    const target = await appWithRedisDown({ LOCKOUT_STORE_FAILURE: 'open' });
    const client = await createClient(target);
    const user = await createUser(target);
    expect((await passwordGrant(target, client.basic, user)).status).toBe(200);
    expect(errors).toHaveBeenCalledWith(expect.stringMatching(/lockouts fail open, rate limits fail open$/));
  });

  it('gives up on a Redis that stops answering after a second per command, instead of holding the request', async () => {
    const redis = new FakeRedis({ version: '7.2.0', unanswered: ['EXEC', 'GET'] });
    const port = await redis.start();
    try {
      const target = (app = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, REQUEST_TIMEOUT_MS: '10000' } }));
      const client = await createClient(target);
      const started = Date.now();
      const res = await tokenRequest(target.url, { grant_type: 'client_credentials' }, client.basic);
      // The rate limit's count times out (fails open), then the client lockout's (fails closed).
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await app?.close();
      app = undefined;
      await redis.close();
    }
  });

  it('answers 503 on rate-limited routes with RATE_LIMIT_STORE_FAILURE=closed', async () => {
    const target = await appWithRedisDown({ LOCKOUT_STORE_FAILURE: 'open', RATE_LIMIT_STORE_FAILURE: 'closed' });
    const client = await createClient(target);
    const res = await tokenRequest(target.url, { grant_type: 'client_credentials' }, client.basic);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
  });
});
