import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { OAuthError } from '../common/oauth/oauth-error';
import { sha256Hex } from '../common/crypto/tokens';
import { CounterStoreUse, MetricsService } from '../metrics/metrics.service';
import { CacheBus } from '../cache/cache-bus.service';
import type { InvalidatingCache } from '../cache/invalidating-cache';
import { Counter, CounterStore, MemoryCounterStore, RedisCounterStore } from './counter-store';

export type RateLimitedRoute = 'token' | 'authorize' | 'login';

/** The bus topic of client authentication failures: its key is the failure counter's. */
const CLIENT_FAILURE_TOPIC = 'client-failures';

/** A (client id, IP) with no failure counter, as the store last said. */
const CLEAN = true;

/** One log line per this many milliseconds while the store keeps failing, with the count since. */
const FAILURE_LOG_INTERVAL_MS = 30_000;

/**
 * Brute-force defences: per-IP request rates, per-username login lockout and per-client
 * authentication lockout. Every lock ends by itself after its window; none is permanent.
 * When the counter store fails, each defence follows its configured policy: lockouts fail closed
 * by default (503: a password must not become guessable without limit because Redis is down),
 * rate limits fail open (availability). Failures are logged and counted, never silent.
 */
@Injectable()
export class ThrottleService implements OnModuleDestroy {
  private readonly logger = new Logger('Throttle');
  private readonly store: CounterStore;
  /**
   * The (client id, IP) keys the store last said have no failure counter. Every client
   * authentication asks whether its key is locked, and nearly every answer is "no counter": kept
   * here, that answer costs no Redis round trip. Every failure, on any instance, drops the key
   * through the CacheBus (after counting it in the store), and the cache is off while the bus is
   * down, so a lock is seen everywhere within the bus's delivery time. A key with a counter is
   * never kept: it is asked of the store until its window ends. Nor is anything answered from
   * memory once a store operation has failed, until one succeeds again: a partition the bus has
   * not noticed yet must not turn fail-closed lockouts into no lockouts.
   */
  private readonly cleanClients: InvalidatingCache<typeof CLEAN>;
  private storeAnswering = true;
  private unloggedFailures = 0;
  private lastFailureLog = 0;

  constructor(
    @InjectConfig('redis') redis: AppConfig['redis'],
    @InjectConfig('redisPrefix') redisPrefix: AppConfig['redisPrefix'],
    @InjectConfig('rateLimits') private readonly rateLimits: AppConfig['rateLimits'],
    @InjectConfig('bruteForce') private readonly bruteForce: AppConfig['bruteForce'],
    @InjectConfig('counterStoreFailure') private readonly counterStoreFailure: AppConfig['counterStoreFailure'],
    private readonly metrics: MetricsService,
    private readonly bus: CacheBus,
  ) {
    this.store = redis ? new RedisCounterStore(redis, redisPrefix) : new MemoryCounterStore();
    this.cleanClients = bus.createCache<typeof CLEAN>(CLIENT_FAILURE_TOPIC, 60_000, 10_000);
  }

  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }

  /** Resolves when the counter store answers; readiness asks this. */
  async checkStore(): Promise<void> {
    await this.store.ping();
  }

  /** Counts one request of `ip` on `route`; throws 429 with Retry-After past the limit. */
  async limitRequest(route: RateLimitedRoute, ip: string): Promise<void> {
    const limit = this.rateLimits[route];
    if (limit === 0) return;
    const counter = await this.counted('rate_limit', () => this.store.increment(`rate:${route}:${ip}`, 60));
    if (counter && counter.count > limit) {
      throw new OAuthError('too_many_requests', 'too many requests, slow down', { retryAfter: counter.resetIn });
    }
  }

  /**
   * Counts one login attempt for `account` and returns the seconds it stays locked (0: go ahead).
   * Counting comes first, so that concurrent attempts cannot slip past the limit together.
   */
  async countLoginAttempt(account: string): Promise<number> {
    const counter = await this.counted('lockout', () => this.store.increment(loginKey(account), this.bruteForce.loginLockoutSeconds));
    const max = this.bruteForce.loginMaxFailures;
    if (counter?.count === max + 1) this.metrics.lockoutStarted('account');
    return counter && counter.count > max ? counter.resetIn : 0;
  }

  async loginSucceeded(account: string): Promise<void> {
    // Failing to clear a count can only lock sooner, never let a guess through: no policy needed.
    await this.store.reset(loginKey(account)).catch((error: unknown) => this.storeFailed('lockout', error));
  }

  /**
   * Throws 429 while a client id is locked for this IP after repeated failed authentications.
   * Keyed on (client id, IP): a guesser locks out only itself, never the real client elsewhere.
   */
  async assertClientNotLocked(clientId: string, ip: string): Promise<void> {
    const counter = await this.counted('lockout', () => this.clientFailures(clientKey(clientId, ip)));
    if (counter && counter.count >= this.bruteForce.clientAuthMaxFailures) {
      throw new OAuthError('too_many_requests', 'too many failed client authentications, try again later', { retryAfter: counter.resetIn });
    }
  }

  async clientAuthFailed(clientId: string, ip: string): Promise<void> {
    const key = clientKey(clientId, ip);
    const counter = await this.counted('lockout', () => this.store.increment(key, this.bruteForce.clientAuthLockoutSeconds));
    // Counted first: an instance that drops its entry and asks again must find the new count. Only
    // the first failure of a window is told: while the counter lives no instance keeps the key, so
    // later ones have nothing to drop (and a guesser does not make every instance hear each guess).
    // A failure the store could not count has nothing to tell either: nothing is answered from
    // memory until the store answers again.
    if (counter?.count === 1) await this.bus.invalidate(CLIENT_FAILURE_TOPIC, key);
    if (counter?.count === this.bruteForce.clientAuthMaxFailures) this.metrics.lockoutStarted('client');
  }

  /** The failure counter of a (client id, IP) key: from the store, unless it is known to have none. */
  private async clientFailures(key: string): Promise<Counter | null> {
    if (!this.storeAnswering) return this.store.get(key);
    let counter: Counter | null = null;
    const clean = await this.cleanClients.get(
      key,
      async () => {
        counter = await this.store.get(key);
        return counter === null ? CLEAN : null;
      },
      (value) => value === CLEAN,
    );
    return clean === CLEAN ? null : counter;
  }

  /**
   * Counts one attempt at a value a person types on a page (a device's user code), keyed by
   * `kind` and `subject` (the value itself, or an IP address), and returns the seconds it stays
   * locked (0: go ahead): more than LOGIN_MAX_FAILURES attempts in LOGIN_LOCKOUT_SECONDS. Counting
   * comes first, as for logins, so that concurrent guesses cannot slip past the limit together.
   */
  async countAttempt(kind: string, subject: string): Promise<number> {
    const counter = await this.counted('lockout', () => this.store.increment(attemptKey(kind, subject), this.bruteForce.loginLockoutSeconds));
    return counter && counter.count > this.bruteForce.loginMaxFailures ? counter.resetIn : 0;
  }

  /** The seconds `subject` stays locked by countAttempt, without counting (0: not locked). */
  async attemptLock(kind: string, subject: string): Promise<number> {
    const counter = await this.counted('lockout', () => this.store.get(attemptKey(kind, subject)));
    return counter && counter.count >= this.bruteForce.loginMaxFailures ? counter.resetIn : 0;
  }

  /** Runs a store operation; on failure applies the policy of `use`: null (open) or 503 (closed). */
  private async counted<T>(use: CounterStoreUse, operation: () => Promise<T>): Promise<T | null> {
    try {
      const result = await operation();
      this.storeAnswering = true;
      return result;
    } catch (error) {
      this.storeFailed(use, error);
      const policy = use === 'lockout' ? this.counterStoreFailure.lockouts : this.counterStoreFailure.rateLimits;
      if (policy === 'open') return null;
      throw new OAuthError('temporarily_unavailable', 'brute-force protection is unavailable, try again later', { retryAfter: 5, cause: error });
    }
  }

  private storeFailed(use: CounterStoreUse, error: unknown): void {
    // What was kept may have changed meanwhile unheard (the bus may be cut too): start afresh.
    this.storeAnswering = false;
    this.cleanClients.clear();
    this.metrics.counterStoreFailed(use);
    this.unloggedFailures += 1;
    const now = Date.now();
    if (now - this.lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    const { lockouts, rateLimits } = this.counterStoreFailure;
    this.logger.error(
      `counter store failing (${this.unloggedFailures} failure(s) since the last report): ${(error as Error).message}; lockouts fail ${lockouts}, rate limits fail ${rateLimits}`,
    );
    this.unloggedFailures = 0;
    this.lastFailureLog = now;
  }
}

// Keys carry hashes, so neither usernames nor client ids sit in Redis in clear.
const loginKey = (account: string) => `login:${sha256Hex(account)}`;
const attemptKey = (kind: string, subject: string) => `attempt:${sha256Hex(`${kind}\n${subject}`)}`;
const clientKey = (clientId: string, ip: string) => `client-fail:${sha256Hex(`${clientId}\n${ip}`)}`;
