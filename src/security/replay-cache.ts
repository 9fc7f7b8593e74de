import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { sha256Hex } from '../common/crypto/tokens';
import { OAuthError } from '../common/oauth/oauth-error';
import { traced } from '../common/observability/tracing';
import { nowSeconds } from '../common/time';
import { type AppConfig, type RedisTarget } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { expiringTable } from '../database/extensions/expiring-table';
import { DatabaseStatus } from '../database/unit-of-work/database-status';
import { connectRedis } from './counter-store';
import { ReplayEntryEntity } from './replay-entry.entity';
import { DatabaseReplayStore, type ReplayStore } from './replay-entry.repository';

/** `SET key 1 NX EXAT expiresAt`: one atomic command; Redis forgets the key when it expires. */
export class RedisReplayStore implements ReplayStore {
  private readonly redis: Redis;

  constructor(
    target: RedisTarget,
    private readonly prefix: string,
  ) {
    // A claim made while the connection (re)opens waits for it: refusing it would fail a legitimate request.
    this.redis = connectRedis(target, { queueWhileConnecting: true });
  }

  async claim(key: string, _namespace: string, expiresAt: number): Promise<boolean> {
    const answer = await traced('redis.set', () => this.redis.set(`${this.prefix}replay:${key}`, '1', 'EXAT', expiresAt, 'NX'));
    return answer === 'OK';
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** The longest a namespace may be (the column's width). */
const NAMESPACE_MAX = 64;

/**
 * Single-use identifiers shared by every instance (client assertion and DPoP proof `jti`s, PAR
 * `request_uri`s, used TOTP steps): Redis when REDIS_URL is set, else the database. Identifiers
 * are stored as SHA-256 hashes only. A store that cannot answer refuses the request (503): a
 * replay cache that fails open would let every replay through.
 */
@Injectable()
export class ReplayCache implements OnModuleDestroy {
  private readonly store: ReplayStore;

  constructor(@InjectConfig('redis') redis: AppConfig['redis'], @InjectConfig('redisPrefix') redisPrefix: AppConfig['redisPrefix'], database: DatabaseStatus) {
    this.store = redis ? new RedisReplayStore(redis, redisPrefix) : new DatabaseReplayStore(() => database.repositoryOf(ReplayEntryEntity));
  }

  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }

  /**
   * True the first time (`namespace`, `id`) is claimed until `expiresAt` (epoch seconds), false
   * for every later claim before then, on any instance. Once expired, it may be claimed again.
   */
  async claim(namespace: string, id: string, expiresAt: number): Promise<boolean> {
    if (namespace === '' || namespace.length > NAMESPACE_MAX || namespace.includes('\n')) {
      throw new Error(`replay cache namespace must be 1-${NAMESPACE_MAX} characters without a newline: ${JSON.stringify(namespace)}`);
    }
    const now = nowSeconds();
    // An entry must outlive this instant, or a replay in the same second would pass.
    const until = Math.max(Math.ceil(expiresAt), now + 1);
    try {
      return await this.store.claim(sha256Hex(`${namespace}\n${id}`), namespace, until, now);
    } catch (error) {
      if (this.store instanceof RedisReplayStore) {
        throw new OAuthError('temporarily_unavailable', 'replay protection is unavailable, try again later', { retryAfter: 5, cause: error });
      }
      throw error;
    }
  }
}

/** The janitor deletes expired replay entries (database store only; Redis expires its own). */
export const ReplayCacheTable = expiringTable({ table: 'replay_cache', entity: ReplayEntryEntity, expiresAt: 'expiresAt' });
