import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OAuthErrorCode } from '../common/oauth/oauth-error';
import type { AppConfig } from '../config/app-config';
import { InjectConfig, PROCESS_ROLE, type ProcessRole } from '../config/config.module';

export type SignInChannel = 'login_page' | 'password_grant';
export type SignInOutcome = 'success' | 'invalid' | 'locked' | 'unavailable';
export type LockoutKind = 'account' | 'client';
export type CounterStoreUse = 'lockout' | 'rate_limit';
/** Why a request was answered 503 because of the database: a conflict it rolled back, or no usable node. */
export type DatabaseFailure = 'conflict' | 'unavailable';

/** Methods a label may carry; anything else is `OTHER`, so a client cannot invent label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The server's Prometheus metrics, in a registry of this application (not prom-client's global
 * one, so several instances in one process stay apart). Every label value comes from a closed
 * set: route patterns, HTTP methods and statuses, grant types the registry knows, OAuth error
 * codes; never a token, a user, a client id or anything else a request chooses.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** Off when MANAGEMENT_PORT=0: nobody could scrape, so requests are not timed. */
  readonly enabled: boolean;

  private readonly httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status, with their latency (the _count is the number of requests)',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /** One child per label combination, found by a single Map lookup on the hot path. */
  private readonly httpChildren = new Map<string, { observe(value: number): void }>();

  private readonly tokensIssued = this.counter('oauth_tokens_issued_total', 'Token responses issued, by grant type', ['grant_type']);
  private readonly oauthErrors = this.counter('oauth_errors_total', 'Error responses, by OAuth error code', ['error']);
  private readonly signIns = this.counter('oauth_sign_ins_total', 'Password checks of resource owners (login page and password grant), by outcome', [
    'channel',
    'outcome',
  ]);
  private readonly lockouts = this.counter(
    'oauth_lockouts_total',
    'Lockouts started: an account after repeated failed sign-ins, a client id for one IP after repeated failed authentications',
    ['kind'],
  );
  private readonly cacheLookups = this.counter(
    'oauth_cache_lookups_total',
    'Lookups of the in-process caches (clients, users, settings, clients without failed authentications, ...): hit, miss, or bypass (caching off while Redis pub/sub is down or unset)',
    ['cache', 'outcome'],
  );
  private readonly counterStoreFailures = this.counter(
    'oauth_counter_store_failures_total',
    'Failed operations of the rate-limit and lockout counter store (Redis), by the defence they served',
    ['use'],
  );

  private readonly databaseRetries = this.counter(
    'oauth_database_retries_total',
    'Token writes run again after the database rolled them back (an InnoDB deadlock, a Galera certification conflict, a serialization failure)',
  );

  private readonly databaseFailures = this.counter(
    'oauth_database_failures_total',
    'Requests answered 503 because of the database, nothing done: conflict (rolled back, retries spent) or unavailable (no node answered or ready)',
    ['reason'],
  );

  constructor(@InjectConfig('managementPort') managementPort: AppConfig['managementPort'], @Inject(PROCESS_ROLE) role: ProcessRole) {
    // A command (cli.ts) serves no /metrics, so it collects nothing.
    this.enabled = role === 'server' && managementPort !== 0;
    // Process CPU and memory, file descriptors, heap, GC and event-loop lag (nodejs_eventloop_lag_*).
    if (this.enabled) collectDefaultMetrics({ register: this.registry });
  }

  httpRequest(route: string | undefined, method: string, status: number, seconds: number): void {
    const routeLabel = route ?? '(unmatched)';
    const methodLabel = METHODS.has(method) ? method : 'OTHER';
    const key = `${routeLabel} ${methodLabel} ${status}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      child = this.httpDuration.labels(routeLabel, methodLabel, String(status));
      this.httpChildren.set(key, child);
    }
    child.observe(seconds);
  }

  tokenIssued(grantType: string): void {
    this.tokensIssued.inc({ grant_type: grantType });
  }

  oauthError(code: OAuthErrorCode): void {
    this.oauthErrors.inc({ error: code });
  }

  signIn(channel: SignInChannel, outcome: SignInOutcome): void {
    this.signIns.inc({ channel, outcome });
  }

  lockoutStarted(kind: LockoutKind): void {
    this.lockouts.inc({ kind });
  }

  /** `cache` is a topic the code names (client, user, settings), never a key. */
  cacheLookup(cache: string, outcome: 'hit' | 'miss' | 'bypass'): void {
    this.cacheLookups.inc({ cache, outcome });
  }

  counterStoreFailed(use: CounterStoreUse): void {
    this.counterStoreFailures.inc({ use });
  }

  databaseRetried(): void {
    this.databaseRetries.inc();
  }

  databaseFailed(reason: DatabaseFailure): void {
    this.databaseFailures.inc({ reason });
  }

  /**
   * A gauge in this application's registry that `collect` sets when Prometheus scrapes (nothing on
   * the request path); its label names are the closed set its values come from.
   */
  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[], collect: (gauge: Gauge<L>) => void | Promise<void>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        return collect(this);
      },
    });
  }

  /** A counter in this application's registry; its label names are the closed set its values come from. */
  private counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
