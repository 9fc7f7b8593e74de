import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { MetricsService } from '../../src/metrics/metrics.service';
import { createTestAppPair, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { basicAuth, createClient, TestClient, tokenRequest } from '../support/factories';
import { REDIS_URL, skipWithoutRedis } from '../support/redis';

/**
 * The client lockout is the counter store's, shared by every instance. An instance keeps the
 * answer "no failures for this client and IP" in memory (no Redis round trip per client
 * authentication); a failure counted on any instance must end that at once everywhere.
 */
describe(`client lockout across two instances [${TEST_DB}]`, () => {
  let a: TestApp;
  let b: TestApp;
  let close: () => Promise<void>;
  let client: TestClient;
  let skip = false;

  beforeAll(async () => {
    skip = await skipWithoutRedis();
    if (skip) return;
    ({ a, b, close } = await createTestAppPair({
      env: { REDIS_URL, REDIS_PREFIX: `test:${randomUUID()}:`, CLIENT_AUTH_MAX_FAILURES: '3', CLIENT_AUTH_LOCKOUT_SECONDS: '60' },
    }));
    client = await createClient(a);
  });
  afterAll(() => close?.());

  /** Lookups of the clean-client cache on `t` answered from memory, counted while `work` runs. */
  async function hitsDuring(t: TestApp, work: () => Promise<void>): Promise<number> {
    const spy = jest.spyOn(t.app.get(MetricsService), 'cacheLookup');
    try {
      await work();
      return spy.mock.calls.filter(([cache, outcome]) => cache === 'client-failures' && outcome === 'hit').length;
    } finally {
      spy.mockRestore();
    }
  }

  const succeeds = async (t: TestApp) => expect((await tokenRequest(t.url, { grant_type: 'client_credentials' }, client.basic)).status).toBe(200);

  it('asks the store once, then answers from memory, until a failure on the other instance locks the client there too', async () => {
    if (skip) return;
    // The first authentication asks Redis (and, once the bus is subscribed, keeps the answer).
    let hits = 0;
    for (let i = 0; i < 50 && hits === 0; i++) hits = await hitsDuring(a, () => succeeds(a));
    expect(hits).toBe(1);
    expect(await hitsDuring(a, () => succeeds(a))).toBe(1);

    for (let i = 0; i < 3; i++) {
      expect((await tokenRequest(b.url, { grant_type: 'client_credentials' }, basicAuth(client.clientId, 'guess'))).status).toBe(401);
    }
    // A's kept answer is gone: it asks the store, which says locked.
    let refused: Response | undefined;
    expect(await hitsDuring(a, async () => void (refused = await tokenRequest(a.url, { grant_type: 'client_credentials' }, client.basic)))).toBe(0);
    expect(refused!.status).toBe(429);
    expect(refused!.body.error).toBe('too_many_requests');
  });
});
