import type Redis from 'ioredis';
import type { RedisTarget } from '../config/app-config';
import { openRedis } from '../common/redis/open-redis';
import { traced } from '../common/observability/tracing';

export interface Counter {
  readonly count: number;
  /** Seconds until the window of this counter ends. */
  readonly resetIn: number;
}

/**
 * Fixed-window counters for rate limits and lockouts. In process by default; in Redis when
 * REDIS_URL is set, so that every instance sees the same counts.
 */
export interface CounterStore {
  /** Adds one to `key`, starting a window of `windowSeconds` if none is open. */
  increment(key: string, windowSeconds: number): Promise<Counter>;
  get(key: string): Promise<Counter | null>;
  reset(key: string): Promise<void>;
  /** Resolves when the store answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  private readonly counters = new Map<string, { count: number; expiresAt: number }>();
  private lastSweep = Date.now();

  async increment(key: string, windowSeconds: number): Promise<Counter> {
    const now = Date.now();
    this.sweep(now);
    const current = this.counters.get(key);
    const entry = current && current.expiresAt > now ? current : { count: 0, expiresAt: now + windowSeconds * 1000 };
    entry.count += 1;
    this.counters.set(key, entry);
    return { count: entry.count, resetIn: Math.ceil((entry.expiresAt - now) / 1000) };
  }

  async get(key: string): Promise<Counter | null> {
    const now = Date.now();
    const entry = this.counters.get(key);
    if (!entry || entry.expiresAt <= now) return null;
    return { count: entry.count, resetIn: Math.ceil((entry.expiresAt - now) / 1000) };
  }

  async reset(key: string): Promise<void> {
    this.counters.delete(key);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.counters.clear();
  }

  /** Drops expired windows now and then, so memory stays bounded by the live keys. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [key, entry] of this.counters) if (entry.expiresAt <= now) this.counters.delete(key);
  }
}

export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis;

  constructor(
    target: RedisTarget,
    private readonly prefix: string,
  ) {
    this.redis = connectRedis(target, { queueWhileConnecting: false });
  }

  async increment(key: string, windowSeconds: number): Promise<Counter> {
    const name = this.prefix + key;
    const result = await traced('redis.increment', () => this.redis.multi().incr(name).expire(name, windowSeconds, 'NX').ttl(name).exec());
    const count = Number(result?.[0]?.[1] ?? 1);
    const ttl = Number(result?.[2]?.[1] ?? windowSeconds);
    return { count, resetIn: ttl > 0 ? ttl : windowSeconds };
  }

  async get(key: string): Promise<Counter | null> {
    const name = this.prefix + key;
    // The common answer (no such counter) costs one command; the window is read only for a live one.
    const count = await traced('redis.get', () => this.redis.get(name));
    if (count === null) return null;
    return { count: Number(count), resetIn: Math.max(await this.redis.ttl(name), 1) };
  }

  async reset(key: string): Promise<void> {
    await traced('redis.del', () => this.redis.del(this.prefix + key));
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * A Redis client for request-time commands. Auto-pipelining: the commands of concurrent requests
 * leave in one socket write per turn. A Redis that stops answering fails the command within a
 * second instead of holding the request. `queueWhileConnecting`: a command issued while the
 * connection (re)opens waits for it (up to that second) instead of failing at once.
 */
export function connectRedis(target: RedisTarget, { queueWhileConnecting }: { queueWhileConnecting: boolean }): Redis {
  const redis = openRedis(target, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: queueWhileConnecting,
    lazyConnect: false,
    connectTimeout: 2000,
    enableAutoPipelining: true,
    commandTimeout: 1000,
  });
  // Errors surface on each command; the client reconnects by itself.
  redis.on('error', () => undefined);
  return redis;
}
