import { randomUUID } from 'node:crypto';
import { ExpiredDataCleanupService } from '../../src/maintenance/expired-data-cleanup.service';
import { ReplayCache } from '../../src/security/replay-cache';
import { nowSeconds } from '../../src/common/time';
import { createTestAppPair, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { REDIS_URL, skipWithoutRedis } from '../support/redis';
import { sql } from '../support/sql';

/** The behaviour every store must have, on two instances sharing it. */
function sharedBehaviour(start: () => Promise<{ a: TestApp; b: TestApp; close(): Promise<void> }>, skip: () => Promise<boolean> = async () => false) {
  let pair: { a: TestApp; b: TestApp; close(): Promise<void> } | undefined;
  let a: ReplayCache;
  let b: ReplayCache;
  beforeAll(async () => {
    if (await skip()) return;
    pair = await start();
    a = pair.a.app.get(ReplayCache);
    b = pair.b.app.get(ReplayCache);
  });
  afterAll(async () => pair?.close());

  it('claims an identifier once, and refuses the replay on the other instance', async () => {
    if (!pair) return;
    const id = randomUUID();
    await expect(a.claim('test', id, nowSeconds() + 60)).resolves.toBe(true);
    await expect(b.claim('test', id, nowSeconds() + 60)).resolves.toBe(false);
    await expect(a.claim('test', id, nowSeconds() + 60)).resolves.toBe(false);
  });

  it('keeps namespaces apart', async () => {
    if (!pair) return;
    const id = randomUUID();
    await expect(a.claim('one', id, nowSeconds() + 60)).resolves.toBe(true);
    await expect(b.claim('two', id, nowSeconds() + 60)).resolves.toBe(true);
  });

  it('lets exactly one of concurrent claims win', async () => {
    if (!pair) return;
    const id = randomUUID();
    const results = await Promise.all([a, b, a, b, a, b].map((cache) => cache.claim('race', id, nowSeconds() + 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('lets an expired entry be claimed again', async () => {
    if (!pair) return;
    const id = randomUUID();
    await expect(a.claim('test', id, nowSeconds() + 1)).resolves.toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(b.claim('test', id, nowSeconds() + 60)).resolves.toBe(true);
    await expect(a.claim('test', id, nowSeconds() + 60)).resolves.toBe(false);
  });
}

describe(`ReplayCache on the database [${TEST_DB}]`, () => {
  let pair: Awaited<ReturnType<typeof createTestAppPair>> | undefined;
  const start = async () => (pair = await createTestAppPair());
  sharedBehaviour(start);

  it('stores identifiers hashed, and the janitor deletes expired entries', async () => {
    const app = pair!.a;
    const cache = app.app.get(ReplayCache);
    const id = `visible-${randomUUID()}`;
    await cache.claim('janitor', id, nowSeconds() + 1);
    const rows = await sql<{ id: string; namespace: string }>(app.dataSource, 'SELECT id, namespace FROM replay_cache WHERE namespace = ?', ['janitor']);
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(id);
    const deleted = await app.app.get(ExpiredDataCleanupService).runOnce(nowSeconds() + 5);
    expect(deleted.replay_cache).toBeGreaterThanOrEqual(1);
    expect(await sql(app.dataSource, 'SELECT id FROM replay_cache WHERE namespace = ?', ['janitor'])).toHaveLength(0);
  });
});

describe(`ReplayCache on Redis [${TEST_DB}]`, () => {
  sharedBehaviour(() => createTestAppPair({ env: { REDIS_URL, REDIS_PREFIX: `test:${randomUUID()}:` } }), skipWithoutRedis);
});
