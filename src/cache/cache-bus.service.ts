import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { openRedis } from '../common/redis/open-redis';
import type { AppConfig } from '../config/app-config';
import { InjectConfig, PROCESS_ROLE, type ProcessRole } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { InvalidatingCache } from './invalidating-cache';

type Listener = (key: string) => void;

/**
 * Cross-instance cache invalidation over Redis pub/sub. Caching of clients and settings is on only
 * while this instance is subscribed: without REDIS_URL, or while Redis is unreachable, every
 * lookup goes to the database, so no instance ever serves a row another instance has changed.
 */
@Injectable()
export class CacheBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('CacheBus');
  private publisher?: Redis;
  private subscriber?: Redis;
  private subscribed = false;
  /** Counts the subscriptions made: a mirror filled under an earlier one may have missed messages. */
  private subscriptions = 0;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly caches: InvalidatingCache<unknown>[] = [];
  private readonly channel: string;

  constructor(
    @InjectConfig('redis') private readonly redis: AppConfig['redis'],
    @InjectConfig('redisPrefix') redisPrefix: AppConfig['redisPrefix'],
    private readonly metrics: MetricsService,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
  ) {
    this.channel = `${redisPrefix}invalidate`;
  }

  async onModuleInit(): Promise<void> {
    const target = this.redis;
    if (!target) return;
    const options = { maxRetriesPerRequest: 1, connectTimeout: 2000 };
    if (this.role === 'command') {
      // An operator command only tells the servers what it changed: it subscribes to nothing (so
      // it caches nothing), and its few invalidations wait for the connection it just opened.
      this.publisher = openRedis(target, options);
      this.publisher.on('error', () => undefined);
      return;
    }
    this.publisher = openRedis(target, { ...options, enableOfflineQueue: false });
    this.subscriber = openRedis(target, options);
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    // Any gap in the subscription may have lost messages: drop everything and bypass until back.
    this.subscriber.on('close', () => this.setSubscribed(false));
    this.subscriber.on('ready', () => {
      this.subscriber!.subscribe(this.channel).then(
        () => this.setSubscribed(true),
        () => this.setSubscribed(false),
      );
    });
    this.subscriber.on('message', (_channel: string, message: string) => {
      const separator = message.indexOf(':');
      const topic = message.slice(0, separator);
      const key = message.slice(separator + 1);
      for (const listener of this.listeners.get(topic) ?? []) listener(key);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }

  /** A cache for one topic, enabled only while invalidations can be received. */
  createCache<T>(topic: string, ttlMs: number, maxEntries: number): InvalidatingCache<T> {
    const cache = new InvalidatingCache<T>(
      ttlMs,
      maxEntries,
      () => this.subscribed,
      (outcome) => this.metrics.cacheLookup(topic, outcome),
    );
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), (key) => cache.invalidate(key)]);
    this.caches.push(cache as InvalidatingCache<unknown>);
    return cache;
  }

  /**
   * The current subscription's number while this instance receives every message, else null: a
   * mirror kept from messages (not a TTL cache) is complete only when filled under this number.
   */
  get subscription(): number | null {
    return this.subscribed ? this.subscriptions : null;
  }

  /** Calls `listener` with the key of every message of `topic`, this instance's own included. */
  onMessage(topic: string, listener: (key: string) => void): void {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), listener]);
  }

  /** Tells every instance (this one included) that `key` of `topic` changed. */
  async invalidate(topic: string, key: string): Promise<void> {
    for (const listener of this.listeners.get(topic) ?? []) listener(key);
    if (!this.publisher) return;
    try {
      await this.publisher.publish(this.channel, `${topic}:${key}`);
    } catch (error) {
      // Others may now serve the old row until their TTL ends; say so loudly.
      this.logger.error(`could not publish an invalidation of ${topic} ${key}: ${(error as Error).message}`);
    }
  }

  private setSubscribed(subscribed: boolean): void {
    if (this.subscribed !== subscribed) for (const cache of this.caches) cache.clear();
    if (subscribed && !this.subscribed) this.subscriptions++;
    this.subscribed = subscribed;
  }
}
