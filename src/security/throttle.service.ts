import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OAuthError } from '../common/oauth/oauth-error';
import { sha256Hex } from '../common/crypto/tokens';
import { CounterStore, MemoryCounterStore, RedisCounterStore } from './counter-store';

export type RateLimitedRoute = 'token' | 'authorize' | 'login';

/**
 * Brute-force defences: per-IP request rates, per-username login lockout and per-client
 * authentication lockout. Every lock ends by itself after its window; none is permanent.
 * If the counter store fails, requests are let through (logged): availability over throttling.
 */
@Injectable()
export class ThrottleService implements OnModuleDestroy {
  private readonly logger = new Logger('Throttle');
  private readonly store: CounterStore;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.store = config.redisUrl ? new RedisCounterStore(config.redisUrl, config.redisPrefix) : new MemoryCounterStore();
  }

  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }

  /** Counts one request of `ip` on `route`; throws 429 with Retry-After past the limit. */
  async limitRequest(route: RateLimitedRoute, ip: string): Promise<void> {
    const limit = this.config.rateLimits[route];
    if (limit === 0) return;
    const counter = await this.safely(() => this.store.increment(`rate:${route}:${ip}`, 60));
    if (counter && counter.count > limit) {
      throw new OAuthError('too_many_requests', 'too many requests, slow down', { retryAfter: counter.resetIn });
    }
  }

  /**
   * Counts one login attempt for `account` and returns the seconds it stays locked (0: go ahead).
   * Counting comes first, so that concurrent attempts cannot slip past the limit together.
   */
  async countLoginAttempt(account: string): Promise<number> {
    const counter = await this.safely(() => this.store.increment(loginKey(account), this.config.bruteForce.loginLockoutSeconds));
    return counter && counter.count > this.config.bruteForce.loginMaxFailures ? counter.resetIn : 0;
  }

  async loginSucceeded(account: string): Promise<void> {
    await this.safely(() => this.store.reset(loginKey(account)));
  }

  /**
   * Throws 429 while a client id is locked for this IP after repeated failed authentications.
   * Keyed on (client id, IP): a guesser locks out only itself, never the real client elsewhere.
   */
  async assertClientNotLocked(clientId: string, ip: string): Promise<void> {
    const counter = await this.safely(() => this.store.get(clientKey(clientId, ip)));
    if (counter && counter.count >= this.config.bruteForce.clientAuthMaxFailures) {
      throw new OAuthError('too_many_requests', 'too many failed client authentications, try again later', { retryAfter: counter.resetIn });
    }
  }

  async clientAuthFailed(clientId: string, ip: string): Promise<void> {
    await this.safely(() => this.store.increment(clientKey(clientId, ip), this.config.bruteForce.clientAuthLockoutSeconds));
  }

  private async safely<T>(operation: () => Promise<T>): Promise<T | null> {
    try {
      return await operation();
    } catch (error) {
      this.logger.warn(`counter store unavailable: ${(error as Error).message}`);
      return null;
    }
  }
}

// Keys carry hashes, so neither usernames nor client ids sit in Redis in clear.
const loginKey = (account: string) => `login:${sha256Hex(account)}`;
const clientKey = (clientId: string, ip: string) => `client-fail:${sha256Hex(`${clientId}\n${ip}`)}`;
