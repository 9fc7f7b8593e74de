import Redis, { RedisOptions } from 'ioredis';
import type { RedisTarget } from '../../config/app-config';

/**
 * A client for the configured Redis: one server, or the primary Redis Sentinel names. Behind
 * sentinels the client asks them for the primary, and after a failover (the primary closes its
 * connections, or answers READONLY once demoted) it asks again and reconnects to the new primary.
 */
export function openRedis(target: RedisTarget, options: RedisOptions): Redis {
  if (!target.sentinels) return target.url ? new Redis(target.url, options) : new Redis(options);
  const sentinelOptions: RedisOptions = {
    ...options,
    sentinels: target.sentinels.hosts.map(({ host, port }) => ({ host, port })),
    name: target.sentinels.name,
    // A demoted primary answers READONLY to writes: reconnect, which asks the sentinels again.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
    ...(options.retryStrategy ? { sentinelRetryStrategy: options.retryStrategy } : {}),
  };
  return target.url ? new Redis(target.url, sentinelOptions) : new Redis(sentinelOptions);
}

/** Where the Redis is, for messages: host:port, or the sentinels and the name (never a password). */
export function describeRedis(target: RedisTarget): string {
  if (target.sentinels) {
    return `sentinels ${target.sentinels.hosts.map(({ host, port }) => `${host}:${port}`).join(',')} (primary ${target.sentinels.name})`;
  }
  const parsed = new URL(target.url ?? 'redis://127.0.0.1');
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}
