import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityTarget, In, IsNull, Like, MoreThan, Not, ObjectLiteral, Repository } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { dialectOf, type Dialect } from '../database/dialects';
import type { SpendTarget, SqlStatement } from '../database/dialects/dialect';
import { batchedLookup } from '../database/rows/batched-lookup';
import { insertStatements } from '../database/rows/insert-rows';
import { spendStatement } from '../database/dialects/spend-statement';
import { abandonable } from '../database/unit-of-work/abandon';
import { spendTarget } from '../database/unit-of-work/spend-rows';
import { TransactionRunner } from '../database/unit-of-work/transaction-runner';
import { transactional } from '../database/unit-of-work/unit-of-work';
import type { WrittenTokens } from './compensation/written-tokens';
import { AccessTokenEntity } from './entities/access-token.entity';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { type Owner, ownerWhere } from './owner';

/** Whose tokens: a user's, a client's, or one user's tokens at one client. */
export type TokenOwner = Owner;

/** The kinds of single-use input a token write spends (see SingleUseInput). */
export type SingleUseKind = 'authorization_code' | 'refresh_token';

/**
 * A single-use input that a grant spends in the same commit that stores the tokens it yields.
 * "Spend" is the one name for that act: an authorization code's `spentAt`, a refresh token's
 * `rotatedAt` (its rotation is how it is spent).
 */
export interface SingleUseInput {
  readonly kind: SingleUseKind;
  readonly id: string;
}

/** The rows one batch of token writes stores, and the access tokens it revokes. */
export interface TokenRows {
  readonly access: readonly AccessTokenEntity[];
  readonly refresh: readonly RefreshTokenEntity[];
  readonly revokesAccess: readonly string[];
  readonly audit: readonly AuditEventEntity[];
}

/** Where a spend happens: the entity, its columns NULL while unspent, the one set to the time of use. */
interface SpendSpec {
  readonly entity: EntityTarget<ObjectLiteral>;
  readonly unspent: readonly string[];
  readonly spentColumn: string;
}

/** How each kind of single-use input is spent: a NULL column set to the time of use. */
const SINGLE_USE = {
  authorization_code: { entity: AuthorizationCodeEntity, unspent: ['spentAt'], spentColumn: 'spentAt' },
  refresh_token: { entity: RefreshTokenEntity, unspent: ['rotatedAt', 'revokedAt'], spentColumn: 'rotatedAt' },
} as const;

/** Revoking an access token is spending its revoked_at column: the same conditional UPDATE. */
const REVOCATION = 'revocation';
const REVOKED_ACCESS = { entity: AccessTokenEntity, unspent: ['revokedAt'], spentColumn: 'revokedAt' } as const;

/**
 * Every statement on the access_tokens and refresh_tokens tables and the spending of single-use
 * inputs. TokenStore keeps the rules: batching, retries, what is active, what a revocation audits.
 * Writes join the current unit of work when there is one, or run in the transaction they are given.
 */
export abstract class TokenRepository {
  abstract findAccessByHash(tokenHash: string): Promise<AccessTokenEntity | null>;
  abstract findRefreshByHash(tokenHash: string): Promise<RefreshTokenEntity | null>;
  /** Whether a refresh token is revoked or gone, read under a row lock (in the current unit of work). */
  abstract refreshRevokedAfterLocks(id: string): Promise<boolean>;
  /**
   * In one transaction, rolled back when one of `signals` aborts before its COMMIT (see
   * abandonable): spends at `now` the unspent among `inputs` (distinct), atomically against every
   * other transaction on any instance, then stores `rowsFor(spent)` (spent[i]: whether it spent
   * inputs[i]), revoking at `now` the access tokens they replace. Answers `spent`.
   */
  abstract spendAndStore(
    inputs: readonly SingleUseInput[],
    now: number,
    signals: readonly (AbortSignal | undefined)[],
    rowsFor: (spent: readonly boolean[]) => TokenRows,
  ): Promise<boolean[]>;
  /** Stores `rows` (nothing to spend or revoke) in a transaction of their own, rolled back when a signal aborts. */
  abstract insertAll(rows: Omit<TokenRows, 'revokesAccess'>, signals: readonly (AbortSignal | undefined)[]): Promise<void>;
  abstract unspentChild(grantId: string, parentId: string): Promise<RefreshTokenEntity | null>;
  abstract revokeGrant(grantId: string, revokedAt: number): Promise<void>;
  abstract revokeOwned(owner: TokenOwner, revokedAt: number): Promise<void>;
  abstract revokeAccessTokens(ids: readonly string[], revokedAt: number): Promise<void>;
  /** Unrevoked, unexpired tokens of an owner, newest first, at most 1000 of each kind (refresh tokens also unspent). */
  abstract listLive(owner: TokenOwner, now: number): Promise<{ access: AccessTokenEntity[]; refresh: RefreshTokenEntity[] }>;
  /** Unrevoked, unexpired access tokens of a user whose scope string contains one of `scopes` (a superset: callers match whole tokens). */
  abstract liveAccessTokensMentioning(userId: string, scopes: readonly string[], now: number): Promise<Pick<AccessTokenEntity, 'id' | 'scope'>[]>;
  /** Whether the audit event `id` is stored (read in the current unit of work). */
  abstract issuedEventExists(id: string): Promise<boolean>;
  /**
   * Undoes, in the current unit of work, a write whose client never received its tokens: revokes
   * them and, when it spent a refresh token and the refresh token it issued was never used, makes
   * the spent one spendable again (true). Locks that child first, so a concurrent retry replacing
   * it (TokenIssuer.reissue) and this undo exclude each other.
   */
  abstract undoWrite(written: WrittenTokens, now: number): Promise<boolean>;
  abstract findRefreshById(id: string, owner?: TokenOwner): Promise<RefreshTokenEntity | null>;
  abstract accessTokenExists(id: string, owner?: TokenOwner): Promise<boolean>;
}

/** Passes of revokeEvery() where UPDATEs miss rows committed while they waited: each chained refresh needs one. */
const MAX_REVOCATION_PASSES = 8;

@Injectable()
export class TypeOrmTokenRepository implements TokenRepository {
  private readonly accessByHash: (hash: string) => Promise<AccessTokenEntity | null>;
  private readonly refreshByHash: (hash: string) => Promise<RefreshTokenEntity | null>;
  /** The database's own statements (placeholders, the spend). */
  private readonly dialect: Dialect;
  /** The escaped table and columns of each kind of input and of REVOCATION, built once: not per batch. */
  private readonly targets: Readonly<Record<SingleUseKind | typeof REVOCATION, SpendTarget>>;

  constructor(
    private readonly transactions: TransactionRunner,
    @InjectRepository(AccessTokenEntity) private readonly accessTokens: Repository<AccessTokenEntity>,
    @InjectRepository(RefreshTokenEntity) private readonly refreshTokens: Repository<RefreshTokenEntity>,
    private readonly audit: AuditRepository,
  ) {
    this.dialect = dialectOf(accessTokens.manager);
    const targetOf = (spec: SpendSpec) => spendTarget(accessTokens.manager, spec.entity, spec.spentColumn, spec.unspent);
    this.targets = {
      authorization_code: targetOf(SINGLE_USE.authorization_code),
      refresh_token: targetOf(SINGLE_USE.refresh_token),
      [REVOCATION]: targetOf(REVOKED_ACCESS),
    };
    this.accessByHash = batchedLookup(accessTokens, 'tokenHash');
    this.refreshByHash = batchedLookup(refreshTokens, 'tokenHash');
  }

  findAccessByHash(tokenHash: string): Promise<AccessTokenEntity | null> {
    return this.accessByHash(tokenHash);
  }

  findRefreshByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.refreshByHash(tokenHash);
  }

  spendAndStore(
    inputs: readonly SingleUseInput[],
    now: number,
    signals: readonly (AbortSignal | undefined)[],
    rowsFor: (spent: readonly boolean[]) => TokenRows,
  ): Promise<boolean[]> {
    const { spendOne } = this.dialect;
    if (this.transactions.pipelines && spendOne) {
      // MySQL: three round trips (spends; writes; COMMIT) instead of seven through TypeORM's query runner.
      return this.transactions.pipelined(signals, async (send) => {
        // One UPDATE per input (Dialect.spendOne), in one round trip: each one's affected-row count
        // says exactly whether this transaction spent it, where one UPDATE of several ids would
        // leave a partial count to resolve (a follow-up read of `spent = now` cannot tell this
        // transaction's rows from another's spent in the same second). No SELECT ... FOR UPDATE
        // first: a concurrent spend waits for this UPDATE's lock, then finds the row spent (see the
        // MySQL dialect's spendOne). In key order, as one UPDATE would lock them, so that batches
        // spending the same rows do not deadlock.
        const order = inputs.map((_, i) => i).sort((a, b) => compareInputs(inputs[a], inputs[b]));
        const counts = await send(order.map((i) => spendOne.statement(this.targets[inputs[i].kind], inputs[i].id, now)));
        const spent = inputs.map(() => false);
        order.forEach((i, k) => (spent[i] = spendOne.spent(counts[k])));
        await send(this.storeStatements(rowsFor(spent), now));
        return spent;
      });
    }
    // PostgreSQL and SQLite: each kind's spend is one UPDATE ... RETURNING (Dialect.spend).
    return this.transactions.run((transaction) =>
      abandonable(transaction, signals, async () => {
        const spent = inputs.map(() => false);
        // Kinds in a fixed order, as on MySQL: two batches spending a code and a token never lock them in opposite orders.
        for (const kind of [...new Set(inputs.map((input) => input.kind))].sort()) {
          const ids = inputs.filter((input) => input.kind === kind).map((input) => input.id);
          const won = new Set(await this.dialect.spend(transaction, this.targets[kind], ids, now));
          inputs.forEach((input, i) => (spent[i] ||= input.kind === kind && won.has(input.id)));
        }
        for (const { sql, parameters } of this.storeStatements(rowsFor(spent), now)) await transaction.query(sql, parameters);
        return spent;
      }),
    );
  }

  /**
   * The statements storing `rows`: the access tokens they replace revoked at `now`, then the
   * INSERTs (one statement on PostgreSQL, see insertStatements).
   */
  private storeStatements(rows: TokenRows, now: number): SqlStatement[] {
    const manager = this.accessTokens.manager;
    const revokes: SqlStatement[] =
      rows.revokesAccess.length > 0
        ? [{ sql: spendStatement(this.dialect, this.targets[REVOCATION], rows.revokesAccess.length), parameters: [now, ...rows.revokesAccess] }]
        : [];
    return [
      ...revokes,
      ...insertStatements(manager, [
        { metadata: this.accessTokens.metadata, rows: rows.access },
        { metadata: this.refreshTokens.metadata, rows: rows.refresh },
        { metadata: this.audit.metadata, rows: rows.audit },
      ]),
    ];
  }

  insertAll(rows: Omit<TokenRows, 'revokesAccess'>, signals: readonly (AbortSignal | undefined)[]): Promise<void> {
    return this.transactions.insertAll(
      [
        { metadata: this.accessTokens.metadata, rows: rows.access },
        { metadata: this.refreshTokens.metadata, rows: rows.refresh },
        { metadata: this.audit.metadata, rows: rows.audit },
      ],
      signals,
    );
  }

  unspentChild(grantId: string, parentId: string): Promise<RefreshTokenEntity | null> {
    return this.refreshTokens.findOne({
      where: { grantId, parentId, rotatedAt: IsNull(), revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
  }

  revokeGrant(grantId: string, revokedAt: number): Promise<void> {
    return this.revokeEvery({ grantId }, revokedAt);
  }

  revokeOwned(owner: TokenOwner, revokedAt: number): Promise<void> {
    return this.revokeEvery(ownerWhere(owner), revokedAt);
  }

  /** Revokes every access and refresh token of a grant family or an owner. */
  private async revokeEvery(where: { grantId?: string; userId?: string; clientId?: string }, revokedAt: number): Promise<void> {
    const unrevoked = { ...where, revokedAt: IsNull() };
    const revoke = async () =>
      ((await transactional(this.accessTokens).update(unrevoked, { revokedAt })).affected ?? 0) +
      ((await transactional(this.refreshTokens).update(unrevoked, { revokedAt })).affected ?? 0);
    const revoked = await revoke();
    if (!this.dialect.updatesMissRowsCommittedWhileWaiting || revoked === 0) return;
    // A refresh that spent one of these refresh tokens before us held its row until it committed
    // its new tokens, which the UPDATEs above may not see (Dialect says where). Each pass runs after
    // every such refresh has committed, and finds their tokens; a pass that finds none ends it (a
    // refresh of a token the previous pass found waits for this transaction, and then finds it
    // revoked). Without this a user disabled, or a family revoked for reuse (RFC 9700 §4.14.2),
    // would keep the tokens of a refresh that raced the revocation.
    for (let pass = 2; pass <= MAX_REVOCATION_PASSES; pass++) if ((await revoke()) === 0) return;
  }

  /** SELECT … FOR UPDATE, except on SQLite, which runs one transaction at a time: nothing to lock against. */
  private rowLock(): { mode: 'pessimistic_write' } | undefined {
    return this.dialect.serialisesTransactions ? undefined : { mode: 'pessimistic_write' };
  }

  async refreshRevokedAfterLocks(id: string): Promise<boolean> {
    // FOR UPDATE, not FOR SHARE: MariaDB reads no FOR SHARE, and this short transaction only orders
    // concurrent reuses of one token.
    const row = await transactional(this.refreshTokens).findOne({ where: { id }, lock: this.rowLock() });
    return row === null || row.revokedAt !== null;
  }

  issuedEventExists(id: string): Promise<boolean> {
    return transactional(this.accessTokens).manager.existsBy(AuditEventEntity, { id });
  }

  async undoWrite(written: WrittenTokens, now: number): Promise<boolean> {
    const refresh = transactional(this.refreshTokens);
    const [childId] = written.refreshIds;
    let unspend = false;
    if (written.spent?.kind === 'refresh_token' && childId) {
      const child = await refresh.findOne({ where: { id: childId }, lock: this.rowLock() });
      unspend = child !== null && child.rotatedAt === null && child.revokedAt === null;
    }
    if (written.accessIds.length > 0) await this.revokeAccessTokens(written.accessIds, now);
    if (written.refreshIds.length > 0) await refresh.update({ id: In([...written.refreshIds]), revokedAt: IsNull() }, { revokedAt: now });
    if (unspend) await refresh.update({ id: written.spent!.id, rotatedAt: Not(IsNull()), revokedAt: IsNull() }, { rotatedAt: null });
    return unspend;
  }

  async revokeAccessTokens(ids: readonly string[], revokedAt: number): Promise<void> {
    await transactional(this.accessTokens).update({ id: In([...ids]), revokedAt: IsNull() }, { revokedAt });
  }

  async listLive(owner: TokenOwner, now: number): Promise<{ access: AccessTokenEntity[]; refresh: RefreshTokenEntity[] }> {
    const where = { ...ownerWhere(owner), revokedAt: IsNull(), expiresAt: MoreThan(now) };
    const [access, refresh] = await Promise.all([
      this.accessTokens.find({ where, order: { createdAt: 'DESC' }, take: 1000 }),
      this.refreshTokens.find({ where: { ...where, rotatedAt: IsNull() }, order: { createdAt: 'DESC' }, take: 1000 }),
    ]);
    return { access, refresh };
  }

  liveAccessTokensMentioning(userId: string, scopes: readonly string[], now: number): Promise<Pick<AccessTokenEntity, 'id' | 'scope'>[]> {
    return transactional(this.accessTokens).find({
      select: { id: true, scope: true },
      where: scopes.map((scope) => ({ userId, revokedAt: IsNull(), expiresAt: MoreThan(now), scope: Like(`%${scope}%`) })),
    });
  }

  findRefreshById(id: string, owner?: TokenOwner): Promise<RefreshTokenEntity | null> {
    return this.refreshTokens.findOneBy({ id, ...(owner ? ownerWhere(owner) : {}) });
  }

  accessTokenExists(id: string, owner?: TokenOwner): Promise<boolean> {
    return this.accessTokens.existsBy({ id, ...(owner ? ownerWhere(owner) : {}) });
  }
}

/** Inputs in the order their rows are locked: by table, then by key. */
function compareInputs(a: SingleUseInput, b: SingleUseInput): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
