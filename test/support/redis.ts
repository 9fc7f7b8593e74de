import { Socket } from 'node:net';
import { CacheBus } from '../../src/cache/cache-bus.service';
import type { TestApp } from './create-test-app';
import { sleep } from './sleep';

/** The Redis the suites share (the machines run Redis 7 on the default port). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisAnswers(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.connect(Number(port || 6379), hostname);
  });
}

/** True when the suite must skip: Redis absent outside CI (under CI=true its absence fails the run). */
export async function skipWithoutRedis(): Promise<boolean> {
  if (await redisAnswers()) return false;
  if (process.env.CI === 'true') throw new Error(`Redis is not answering at ${REDIS_URL}`);
  console.warn(`SKIPPED: Redis not answering at ${REDIS_URL}`);
  return true;
}

/**
 * Resolves once every app receives the cache bus's messages (its caches are on from then). A test
 * whose meaning depends on a cache (one that must be warm, or one that must stay stale) waits for
 * this first: before the subscription every lookup bypasses the caches.
 */
export async function busSubscribed(...apps: TestApp[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (apps.some((app) => app.app.get(CacheBus).subscription === null)) {
    if (Date.now() > deadline) throw new Error('the cache bus did not subscribe within 10 s');
    await sleep(20);
  }
}
