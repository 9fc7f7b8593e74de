import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { AccessTokenFormats } from './access-token-formats';
import { TokenCompensator } from './compensation/token-compensator';
import type { WrittenTokens } from './compensation/written-tokens';
import { TokenRevocations } from './token-revocations';
import { AbandonedError } from '../database/unit-of-work/abandon';
import { isRetryable } from '../database/dialects';
import { Batcher } from '../common/database/batcher';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { MetricsService } from '../metrics/metrics.service';
import type { AuditEventEntity } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { sha256Hex } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import { scopeTokens } from '../common/oauth/scope';
import type { AccessTokenEntity } from './entities/access-token.entity';
import type { RefreshTokenEntity } from './entities/refresh-token.entity';
import { type SingleUseInput, TokenOwner, TokenRepository, type TokenRows } from './token.repository';

export type { SingleUseInput, TokenOwner } from './token.repository';

/** What the admin API shows of a token: never its value or hash. */
export interface TokenSummary {
  readonly id: string;
  readonly type: 'access_token' | 'refresh_token';
  readonly clientId: string;
  readonly userId: string | null;
  readonly scope: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** A stored token found by its value, of either kind. */
export type FoundToken =
  { readonly kind: 'access_token'; readonly row: AccessTokenEntity } | { readonly kind: 'refresh_token'; readonly row: RefreshTokenEntity };

/**
 * The one definition of an active token, for introspection, the bearer guard, token exchange and
 * the admin listing alike: not revoked, not expired and, for a refresh token, not yet spent by a
 * rotation. (The listing applies the same three conditions in SQL: see listActive.)
 */
export function isActive(found: FoundToken, now = nowSeconds()): boolean {
  const { row } = found;
  if (row.revokedAt !== null || row.expiresAt <= now) return false;
  return found.kind === 'access_token' || found.row.rotatedAt === null;
}

/** The tokenHash of a JWT access token found by its signature: it has no row, and no stored hash. */
const NOT_STORED = '';

/** Whether an access token found by findAccessToken() is a JWT that is not stored (revoked by TokenRevocations). */
export function isUnstoredJwt(row: AccessTokenEntity): boolean {
  return row.tokenHash === NOT_STORED;
}

/**
 * What grants call on the token store: the narrow interface their in-memory fakes implement
 * (grants/testing/in-memory.ts). TokensModule provides the TokenStore under it.
 */
export abstract class GrantTokenLookup {
  /** Any stored refresh token by value, whatever its state. */
  abstract findRefreshToken(token: string): Promise<RefreshTokenEntity | null>;
  /** An access token that is active (see isActive). */
  abstract findActiveAccessToken(token: string): Promise<AccessTokenEntity | null>;
  /** Revokes every access and refresh token descending from one grant (RFC 9700 §4.14.2). */
  abstract revokeGrant(grantId: string, reason: string): Promise<void>;
  /**
   * Whether the refresh token `id` is revoked (or gone), read once any transaction revoking it
   * now (holding its row) has committed: a plain read would not wait for it.
   */
  abstract refreshTokenRevoked(id: string): Promise<boolean>;
}

/** One request's write: optionally spend an input, then store its new tokens and their audit event. */
export interface TokenWrite {
  readonly spends?: SingleUseInput;
  /** The access token's row; none for a JWT, which is not stored. */
  readonly access?: AccessTokenEntity;
  readonly refresh?: RefreshTokenEntity;
  /** A JWT access token (not stored): what a compensation deny-lists should its answer be lost. */
  readonly jwt?: { readonly jti: string; readonly expiresAt: number };
  /** Access tokens revoked in the same commit (a retry replacing tokens its client never received). */
  readonly revokesAccess?: readonly string[];
  readonly audit: AuditEventEntity;
  /** Aborted when the request was answered 503 on timeout (request-timeout.ts). */
  readonly abandoned?: AbortSignal;
}

/** What a write stores, by id, for the compensator. */
function written(job: TokenWrite): WrittenTokens {
  return {
    auditId: job.audit.id,
    accessIds: job.access ? [job.access.id] : [],
    refreshIds: job.refresh ? [job.refresh.id] : [],
    jwts: job.jwt ? [job.jwt] : [],
    spent: job.spends,
  };
}

/** The rows a batch's stored jobs write. */
function rowsOf(stored: readonly TokenWrite[]): TokenRows {
  return {
    access: stored.flatMap((job) => (job.access ? [job.access] : [])),
    refresh: stored.flatMap((job) => (job.refresh ? [job.refresh] : [])),
    revokesAccess: stored.flatMap((job) => job.revokesAccess ?? []),
    audit: stored.map((job) => job.audit),
  };
}

/**
 * The distinct inputs `jobs` spend and, once it is known which of them the batch spent, the jobs
 * it stores: those that spend nothing, and of the jobs with the same input, the first, if spent.
 */
function spenders(jobs: readonly TokenWrite[]): { inputs: SingleUseInput[]; stored: (spent: readonly boolean[]) => TokenWrite[] } {
  const inputs: SingleUseInput[] = [];
  /** The index in `inputs` of the input each first spender spends. */
  const spends = new Map<TokenWrite, number>();
  const seen = new Set<string>();
  for (const job of jobs) {
    if (!job.spends || seen.has(`${job.spends.kind} ${job.spends.id}`)) continue;
    seen.add(`${job.spends.kind} ${job.spends.id}`);
    spends.set(job, inputs.push(job.spends) - 1);
  }
  return { inputs, stored: (spent) => jobs.filter((job) => !job.spends || (spends.has(job) && spent[spends.get(job)!])) };
}

/** What became of one write: stored, its input spent by another request, or dropped after a 503. */
type WriteOutcome = 'stored' | 'spent_elsewhere' | 'abandoned';

/** Rows per batched statement, and batches running at once (each holds one pooled connection). */
const MAX_BATCH = 200;
const MAX_BATCHES_IN_FLIGHT = 4;
/** A batch the database rolled back to break a deadlock or a serialization conflict is run again. */
const DEADLOCK_RETRIES = 3;

/**
 * Tokens and their single-use inputs' spending: batched writes, lookups by value, revocation and
 * listing, on the statements of TokenRepository. The issuer (token-issuer.ts) decides what to
 * write; this decides how it is written. Tokens are stored as SHA-256 hashes only.
 */
@Injectable()
export class TokenStore implements GrantTokenLookup {
  /**
   * The hot statements are batched (see Batcher): under load one multi-row INSERT and one commit
   * store the tokens of many requests with their token.issued events (the group commit of
   * AUDIT_BATCH_MAX / AUDIT_BATCH_LINGER_MS: for a JWT, its event is all there is to write), and
   * one `IN (...)` query finds many tokens. Each request still gets its answer only after the
   * commit that stores its tokens.
   */
  private readonly writes: Batcher<TokenWrite, WriteOutcome>;

  constructor(
    private readonly tokens: TokenRepository,
    private readonly audit: AuditService,
    private readonly work: UnitOfWork,
    private readonly formats: AccessTokenFormats,
    private readonly revocations: TokenRevocations,
    private readonly metrics: MetricsService,
    @InjectConfig('auditBatch') auditBatch: AppConfig['auditBatch'],
    private readonly compensator: TokenCompensator,
  ) {
    this.writes = new Batcher<TokenWrite, WriteOutcome>(
      (jobs) => this.writeBatch(jobs),
      Math.min(MAX_BATCH, auditBatch.max),
      MAX_BATCHES_IN_FLIGHT,
      'db.batch token writes',
      auditBatch.lingerMs,
    );
  }

  /**
   * Stores one write with its batch: true once stored, false when another request spent its input
   * first. A write dropped because its request was answered 503 meanwhile fails: that request must
   * not go on as if it had lost a race (a refresh would revoke its own family as a replay).
   */
  async write(job: TokenWrite): Promise<boolean> {
    // A request answered 503 from here on, or a failure without the database's answer, leaves
    // this write in doubt: the compensator revokes what it stored (token-compensator.ts).
    const watch = this.compensator.watch(written(job), job.abandoned);
    let outcome: WriteOutcome;
    try {
      outcome = await this.writes.submit(job);
    } catch (error) {
      watch.failed(error);
      throw error;
    }
    if (outcome !== 'stored') watch.rolledBack();
    else watch.committed();
    if (outcome === 'abandoned') throw new AbandonedError();
    // Answered 503 while the COMMIT ran: the request must not go on (its tokens are being revoked).
    if (outcome === 'stored' && job.abandoned?.aborted) throw new AbandonedError();
    return outcome === 'stored';
  }

  /**
   * Stores one batch of writes in one transaction; 'stored' for each job whose input was spent by
   * it (or that had none). The token.issued events commit with their tokens: no token without its
   * event, no event without its token.
   */
  private async writeBatch(jobs: TokenWrite[]): Promise<WriteOutcome[]> {
    if (jobs.every((job) => !job.spends && !job.revokesAccess?.length)) return this.insertBatch(jobs);
    for (let attempt = 1; ;) {
      // A request answered 503 while its job waited is dropped, not run late (a 503 means nothing happened);
      // one answered 503 while the transaction runs rolls it back (TokenRepository.spendAndStore).
      const live = jobs.filter((job) => !job.abandoned?.aborted);
      if (live.length === 0) return jobs.map(() => 'abandoned' as const);
      const { inputs, stored } = spenders(live);
      try {
        const spent = await this.tokens.spendAndStore(
          inputs,
          nowSeconds(),
          live.map((job) => job.abandoned),
          (won) => rowsOf(stored(won)),
        );
        const won = new Set(stored(spent));
        return jobs.map((job) => (won.has(job) ? 'stored' : live.includes(job) ? 'spent_elsewhere' : 'abandoned'));
      } catch (error) {
        // Rolled back (or never begun, while it waited for a connection) because a request of the
        // batch was answered 503 meanwhile: nothing happened, and the others run again without it
        // (each such run drops at least one job, and does not count as a deadlock retry).
        if (error instanceof AbandonedError && live.some((job) => !job.abandoned?.aborted)) continue;
        if (attempt++ > DEADLOCK_RETRIES || !isRetryable(error)) throw error;
        this.metrics.databaseRetried();
      }
    }
  }

  /**
   * A batch that spends nothing only INSERTs (client_credentials, password, token exchange): its
   * tokens and events commit together, in two round trips on MySQL (TransactionRunner.insertAll)
   * instead of four, which saves CPU on every request of the batch (paired runs in bench/RESULTS.md).
   * Retried as a deadlock victim too: inserts into the
   * owner indexes can deadlock with a revocation scanning them.
   */
  private async insertBatch(jobs: TokenWrite[]): Promise<WriteOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      const live = jobs.filter((job) => !job.abandoned?.aborted);
      if (live.length === 0) return jobs.map(() => 'abandoned' as const);
      try {
        await this.tokens.insertAll(
          {
            access: live.flatMap((job) => (job.access ? [job.access] : [])),
            refresh: live.flatMap((job) => (job.refresh ? [job.refresh] : [])),
            audit: live.map((job) => job.audit),
          },
          live.map((job) => job.abandoned),
        );
        return jobs.map((job) => (live.includes(job) ? 'stored' : 'abandoned'));
      } catch (error) {
        if (attempt > DEADLOCK_RETRIES || !isRetryable(error)) throw error;
        this.metrics.databaseRetried();
      }
    }
  }

  /**
   * Any access token by value, whatever its state: an opaque one from its row, a JWT from its
   * verified claims, revoked when TokenRevocations says so. Introspection, revocation, the bearer
   * guard (/me, userinfo, the admin API) and token exchange all find access tokens here, so
   * isActive() is the one definition for both formats.
   */
  findAccessToken(token: string): Promise<AccessTokenEntity | null> {
    if (this.formats.looksLikeJwt(token)) return this.findJwt(token);
    return this.tokens.findAccessByHash(sha256Hex(token));
  }

  /** A JWT access token as the row it would have been, had it been stored (its hash is not needed). */
  private async findJwt(token: string): Promise<AccessTokenEntity | null> {
    const claims = await this.formats.decode(token);
    if (!claims) return null;
    // A JWT from before they stopped being stored: its row holds its revocation, and its family's
    // (an old token names no family for TokenRevocations to find).
    if (claims.stored) return this.tokens.findAccessByHash(sha256Hex(token));
    const revokedAt = await this.revocations.revokedAt({
      jti: claims.id,
      grantId: claims.grantId,
      userId: claims.userId,
      clientId: claims.clientId,
      issuedAt: claims.issuedAt,
    });
    return {
      id: claims.id,
      tokenHash: NOT_STORED,
      clientId: claims.clientId,
      userId: claims.userId,
      scope: claims.scope,
      grantId: claims.grantId,
      resource: claims.resource,
      claims: claims.claims,
      cnf: claims.cnf,
      authentication: claims.authentication,
      authTime: claims.authTime,
      expiresAt: claims.expiresAt,
      revokedAt,
      createdAt: claims.issuedAt,
    };
  }

  /** Any stored refresh token by value, whatever its state. */
  findRefreshToken(token: string): Promise<RefreshTokenEntity | null> {
    return this.tokens.findRefreshByHash(sha256Hex(token));
  }

  refreshTokenRevoked(id: string): Promise<boolean> {
    // A row lock waits for a revocation in progress; it is held by a transaction of its own.
    return this.work.run(() => this.tokens.refreshRevokedAfterLocks(id));
  }

  /** An access token that is active (see isActive). */
  async findActiveAccessToken(token: string): Promise<AccessTokenEntity | null> {
    const row = await this.findAccessToken(token);
    return row && isActive({ kind: 'access_token', row }) ? row : null;
  }

  /** A token of either kind, the hinted kind tried first (RFC 7009 §2.1, RFC 7662 §2.1). */
  async find(token: string, hint: string | undefined): Promise<FoundToken | null> {
    const kinds: FoundToken['kind'][] = hint === 'refresh_token' ? ['refresh_token', 'access_token'] : ['access_token', 'refresh_token'];
    for (const kind of kinds) {
      if (kind === 'access_token') {
        const row = await this.findAccessToken(token);
        if (row) return { kind, row };
      } else {
        const row = await this.findRefreshToken(token);
        if (row) return { kind, row };
      }
    }
    return null;
  }

  /**
   * The unspent, unrevoked refresh token of grant `grantId` issued by a refresh that presented
   * `parentId` (a refresh token's id). At most one exists: a retry spends the one it replaces in the commit that stores its own.
   */
  unspentChild(grantId: string, parentId: string): Promise<RefreshTokenEntity | null> {
    return this.tokens.unspentChild(grantId, parentId);
  }

  /** The longest lifetime of any signed token (TokenRevocations.longestLifetime), read outside a transaction. */
  longestTokenLifetime(): Promise<number> {
    return this.revocations.longestLifetime();
  }

  /** Revokes every access and refresh token descending from one grant (RFC 9700 §4.14.2). */
  async revokeGrant(grantId: string, reason: string): Promise<void> {
    const revokedAt = nowSeconds();
    const longest = await this.revocations.longestLifetime();
    await this.work.audited({ type: 'token.revoked', subject: grantId, detail: { scope: 'grant', reason } }, async () => {
      await this.tokens.revokeGrant(grantId, revokedAt);
      await this.revocations.revoke([{ grantId }], longest);
    });
  }

  /** Active tokens of an owner (see isActive), newest first. */
  async listActive(owner: TokenOwner): Promise<TokenSummary[]> {
    const { access, refresh } = await this.tokens.listLive(owner, nowSeconds());
    const summary =
      (type: TokenSummary['type']) =>
      (row: AccessTokenEntity | RefreshTokenEntity): TokenSummary => ({
        id: row.id,
        type,
        clientId: row.clientId,
        userId: row.userId,
        scope: row.scope,
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
      });
    return [...access.map(summary('access_token')), ...refresh.map(summary('refresh_token'))].sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * Revokes every token of an owner: in the caller's unit of work when it has one (an admin change
   * that revokes), else in its own, rolled back if the request is answered 503 first, as every
   * revocation here.
   */
  async revokeAll(owner: TokenOwner, reason: string): Promise<void> {
    const revokedAt = nowSeconds();
    const event = {
      type: 'token.revoked',
      clientId: owner.clientId ?? null,
      subject: owner.userId ?? owner.clientId ?? null,
      detail: { scope: owner.userId && owner.clientId ? 'user_client' : owner.userId ? 'user' : 'client', reason },
    };
    const longest = await this.revocations.longestLifetime();
    await this.work.audited(event, async () => {
      await this.tokens.revokeOwned(owner, revokedAt);
      await this.revocations.revoke([owner], longest);
    });
  }

  /**
   * Revokes, in the caller's unit of work, a user's unexpired access tokens that carry one of
   * `scopes`: the scopes reserved for a role the user no longer holds, so that introspection
   * stops vouching for them at once (RFC 7662 §2.2). Refresh tokens stay: a refresh checks the
   * role again and no longer yields those scopes. JWTs are not stored to be found by scope: a JWT
   * carrying such a scope is inactive at introspection and refused by the admin guard, both of
   * which check the user's roles as they are now.
   */
  async revokeAccessTokensCarrying(userId: string, scopes: readonly string[], reason: string): Promise<void> {
    if (scopes.length === 0) return;
    const now = nowSeconds();
    await this.work.run(async () => {
      // The repository narrows the rows to read (LIKE); the exact match on whole scope tokens is made here.
      const rows = await this.tokens.liveAccessTokensMentioning(userId, scopes, now);
      const ids = rows.filter((row) => scopeTokens(row.scope).some((s) => scopes.includes(s))).map((row) => row.id);
      if (ids.length === 0) return;
      await this.tokens.revokeAccessTokens(ids, now);
      await this.audit.append({ type: 'token.revoked', subject: userId, detail: { scope: 'user_scope', reason, count: ids.length } });
    });
  }

  /** Revokes one token by id (a refresh token takes its grant with it). False when unknown. */
  async revokeById(id: string, owner?: TokenOwner): Promise<boolean> {
    const refresh = await this.tokens.findRefreshById(id, owner);
    if (refresh) {
      await this.revokeGrant(refresh.grantId, 'admin');
      return true;
    }
    if (!(await this.tokens.accessTokenExists(id, owner))) return false;
    await this.revokeAccessToken(id, 'admin');
    return true;
  }

  /** Revokes one access token: its row, or for a JWT (`expiresAt` given) a deny-list entry until it expires. */
  async revokeAccessToken(id: string, reason: string, jwtExpiresAt?: number): Promise<void> {
    await this.work.audited({ type: 'token.revoked', subject: id, detail: { scope: 'access_token', reason } }, () =>
      jwtExpiresAt === undefined ? this.tokens.revokeAccessTokens([id], nowSeconds()) : this.revocations.revoke([{ jti: id, expiresAt: jwtExpiresAt }]),
    );
  }
}
