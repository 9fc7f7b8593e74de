import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, IsNull, MoreThan, QueryFailedError, Repository } from 'typeorm';
import { abandonable, AbandonedError } from '../common/database/abandon';
import { Batcher } from '../common/database/batcher';
import { insertRows } from '../common/database/insert-rows';
import { batchedLookup } from '../common/database/batched-lookup';
import { TransactionRunner } from '../common/database/transaction-runner';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedClient } from '../clients/clients.service';
import { randomToken, sha256Hex, uuidv7 } from '../common/crypto/tokens';
import { currentRequestContext } from '../common/http/request-context';
import { nowSeconds } from '../common/time';
import { SettingsService } from '../settings/settings.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { SigningKeysService } from '../keys/signing-keys.service';
import { ResourceServersService } from '../resources/resource-servers.service';
import { AccessTokenEntity } from './entities/access-token.entity';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { currentGrantType } from './grants/issuing-grant';
import type { TokenResponse } from './token-response';

/** Whose tokens: a user's, a client's, or one user's tokens at one client. */
export type TokenOwner = { readonly userId: string; readonly clientId?: string } | { readonly userId?: string; readonly clientId: string };

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

/** A single-use input that a grant spends in the same commit that stores the tokens it yields. */
export interface SingleUseInput {
  readonly kind: 'authorization_code' | 'refresh_token';
  readonly id: string;
}

/** How each kind of single-use input is spent: a NULL column set to the time of use. */
const SINGLE_USE = {
  authorization_code: { entity: AuthorizationCodeEntity, unspent: ['consumedAt'], spentColumn: 'consumedAt' },
  refresh_token: { entity: RefreshTokenEntity, unspent: ['rotatedAt', 'revokedAt'], spentColumn: 'rotatedAt' },
} as const;

/** One request's write: optionally spend an input, then store its new tokens and their audit event. */
interface WriteJob {
  readonly claim?: SingleUseInput;
  readonly access: AccessTokenEntity;
  readonly refresh?: RefreshTokenEntity;
  readonly audit: AuditEventEntity;
  /** Aborted when the request was answered 503 on timeout (request-timeout.ts). */
  readonly abandoned?: AbortSignal;
}

/** What became of one write: stored, its input spent by another request, or dropped after a 503. */
type WriteOutcome = 'stored' | 'spent_elsewhere' | 'abandoned';

/** Rows per batched statement, and batches running at once (each holds one pooled connection). */
const MAX_BATCH = 200;
const MAX_BATCHES_IN_FLIGHT = 4;
/** A batch that InnoDB chose as a deadlock victim was rolled back whole and is run again. */
const DEADLOCK_RETRIES = 3;

interface Minted {
  readonly accessToken: string;
  readonly access: AccessTokenEntity;
  readonly refreshToken?: string;
  readonly refresh?: RefreshTokenEntity;
  readonly expiresIn: number;
  readonly grantId: string;
}

export interface IssueContext {
  readonly client: AuthenticatedClient;
  /** The resource owner, or null for client_credentials. */
  readonly userId: string | null;
  /** Scope of the access token. */
  readonly scope: string;
  /** The grant the tokens descend from (code id or refresh family); new when absent. */
  readonly grantId?: string;
  /** Issue a refresh token too, if the client may use the refresh_token grant. */
  readonly withRefreshToken: boolean;
  /** Scope of the refresh token when it differs from the access token's (RFC 6749 §6). */
  readonly refreshScope?: string;
  /**
   * Extra members of the token.issued audit event (e.g. RFC 8693 delegation: the actor). The grant
   * type is not among them: the registry scopes it around handle() (issuing-grant.ts).
   */
  readonly audit?: Readonly<Record<string, string | null>>;
  /** When the user authenticated (OpenID Connect auth_time), kept with the refresh token. */
  readonly authTime?: number | null;
  /** RFC 8707: the resource server named (audience); checked against the client's resources here. */
  readonly resource?: string | null;
  /** The resource the grant itself is bound to, kept with its refresh token (defaults to `resource`). */
  readonly refreshResource?: string | null;
}

/**
 * The only place that mints, finds and revokes tokens. Grants call it; they never build token
 * strings or rows themselves. Tokens are stored as SHA-256 hashes only.
 */
@Injectable()
export class TokenService {
  /**
   * The hot statements are batched (see Batcher): under load one multi-row INSERT and one commit
   * store the tokens of many requests, and one `IN (...)` query finds many tokens. Each request
   * still gets its answer only after the commit that stores its tokens.
   */
  private readonly writes = new Batcher<WriteJob, WriteOutcome>((jobs) => this.writeBatch(jobs), MAX_BATCH, MAX_BATCHES_IN_FLIGHT, 'db.batch token writes');
  private readonly accessByHash: (hash: string) => Promise<AccessTokenEntity | null>;
  private readonly refreshByHash: (hash: string) => Promise<RefreshTokenEntity | null>;
  /** How a batch spends its single-use inputs on this database (see spend()). */
  private readonly spendInputs: typeof lockAndSpend;

  constructor(
    private readonly transactions: TransactionRunner,
    @InjectRepository(AccessTokenEntity) private readonly accessTokens: Repository<AccessTokenEntity>,
    @InjectRepository(RefreshTokenEntity) private readonly refreshTokens: Repository<RefreshTokenEntity>,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly resources: ResourceServersService,
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.spendInputs = accessTokens.manager.connection.options.type === 'better-sqlite3' ? spendReturning : lockAndSpend;
    this.accessByHash = batchedLookup(accessTokens, 'tokenHash');
    this.refreshByHash = batchedLookup(refreshTokens, 'tokenHash');
  }

  async issue(context: IssueContext): Promise<TokenResponse> {
    const minted = await this.mint(context);
    await this.write({ access: minted.access, refresh: minted.refresh, audit: this.issuedEvent(context, minted), abandoned: currentRequestContext()?.abandoned });
    return this.response(context, minted);
  }

  /**
   * Spends a single-use input (an authorization code, a refresh token) and stores the new tokens in
   * one transaction, so one commit decides both: either the input is spent and the tokens exist, or
   * neither. When another request spent the input first nothing is stored and the answer is null.
   */
  async issueClaimed(context: IssueContext, claim: SingleUseInput): Promise<TokenResponse | null> {
    const minted = await this.mint(context);
    const stored = await this.write({ claim, access: minted.access, refresh: minted.refresh, audit: this.issuedEvent(context, minted), abandoned: currentRequestContext()?.abandoned });
    return stored ? this.response(context, minted) : null;
  }

  /**
   * Stores one job with its batch: true once stored, false when another request spent its input
   * first. A job dropped because its request was answered 503 meanwhile fails: that request must not
   * go on as if it had lost a race (a refresh would revoke its own family as a replay).
   */
  private async write(job: WriteJob): Promise<boolean> {
    const outcome = await this.writes.submit(job);
    if (outcome === 'abandoned') throw new AbandonedError();
    return outcome === 'stored';
  }

  /**
   * Stores one batch of writes in one transaction; 'stored' for each job whose input was spent by
   * it (or that had none). The token.issued events commit with their tokens: no token without its
   * event, no event without its token.
   */
  private async writeBatch(jobs: WriteJob[]): Promise<WriteOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactions.run(async (manager) => {
          // A request answered 503 while its job waited is dropped, not run late (issue 12 §1);
          // one answered 503 while the transaction runs rolls it back (abandonable).
          const live = jobs.filter((job) => !job.abandoned?.aborted);
          if (live.length === 0) return jobs.map(() => 'abandoned' as const);
          const won = await abandonable(manager, live.map((job) => job.abandoned), async () => {
            const spent = await this.spend(manager, live);
            const stored = live.filter((_, i) => spent[i]);
            if (stored.length > 0) {
              await insertRows(manager, this.accessTokens.metadata, stored.map((job) => job.access));
              const refresh = stored.flatMap((job) => (job.refresh ? [job.refresh] : []));
              if (refresh.length > 0) await insertRows(manager, this.refreshTokens.metadata, refresh);
              await this.audit.insert(manager, stored.map((job) => job.audit));
            }
            return new Set(stored);
          });
          return jobs.map((job) => (won.has(job) ? 'stored' : live.includes(job) ? 'spent_elsewhere' : 'abandoned'));
        });
      } catch (error) {
        if (attempt > DEADLOCK_RETRIES || !isDeadlock(error)) throw error;
      }
    }
  }

  /**
   * Spends the inputs of a batch inside its transaction; of two jobs in one batch with the same
   * input, the first wins. MySQL: the unspent inputs are read with row locks (a concurrent batch on
   * any instance waits, then sees them spent) and marked in one UPDATE. SQLite: one conditional
   * UPDATE ... RETURNING comes first, so the transaction takes the write lock at once; a transaction
   * that starts with a read cannot be upgraded once another process has written (SQLITE_BUSY_SNAPSHOT).
   */
  private async spend(manager: EntityManager, jobs: WriteJob[]): Promise<boolean[]> {
    const won = jobs.map((job) => !job.claim);
    const now = nowSeconds();
    for (const kind of ['authorization_code', 'refresh_token'] as const) {
      const firstClaim = new Map<string, number>();
      jobs.forEach((job, i) => {
        if (job.claim?.kind === kind && !firstClaim.has(job.claim.id)) firstClaim.set(job.claim.id, i);
      });
      if (firstClaim.size === 0) continue;
      const ids = [...firstClaim.keys()];
      const spendable = await this.spendInputs(manager, kind, ids, now);
      for (const id of spendable) won[firstClaim.get(id)!] = true;
    }
    return won;
  }

  /** New token values and their rows (hashes only), not yet stored. */
  private async mint(context: IssueContext): Promise<Minted> {
    const { client } = context;
    const settings = await this.settings.get();
    const now = nowSeconds();
    const grantId = context.grantId ?? uuidv7();
    const resource = context.resource ? await this.resources.forClient(client, context.resource) : null;
    // RFC 8707 §2: a token for a resource server carries only the scopes that server understands.
    const scope = resource ? formatScope(scopeTokens(context.scope).filter((s) => scopeTokens(resource.scope).includes(s))) : context.scope;
    const expiresIn = resource?.accessTokenTtl ?? client.accessTokenTtl ?? settings.accessTokenTtl;
    const id = uuidv7();
    const format = resource?.accessTokenFormat ?? client.accessTokenFormat;
    const accessToken =
      format === 'jwt'
        ? // RFC 9068 §3: without a resource the audience is this server itself (userinfo, /me).
          await this.jwtAccessToken({ id, client, userId: context.userId, scope, audience: resource?.identifier ?? this.config.issuer, now, expiresIn })
        : randomToken();
    // A JWT access token is stored like an opaque one (by its SHA-256), so introspection,
    // revocation and /me treat both alike, and a revoked JWT is refused at once on every instance.
    const access: AccessTokenEntity = {
      id,
      tokenHash: sha256Hex(accessToken),
      clientId: client.id,
      userId: context.userId,
      scope,
      grantId,
      resource: resource?.identifier ?? null,
      expiresAt: now + expiresIn,
      revokedAt: null,
      createdAt: now,
    };
    const withRefresh = context.withRefreshToken && client.grantTypes.includes('refresh_token');
    const refreshToken = withRefresh ? randomToken() : undefined;
    const refresh = refreshToken
      ? {
          id: uuidv7(),
          tokenHash: sha256Hex(refreshToken),
          clientId: client.id,
          userId: context.userId,
          scope: context.refreshScope ?? context.scope,
          grantId,
          expiresAt: now + (client.refreshTokenTtl ?? settings.refreshTokenTtl),
          rotatedAt: null,
          authTime: context.authTime ?? null,
          // RFC 8707 §2.2: a refresh token keeps the resources of its grant, whatever one request named.
          resource: context.refreshResource !== undefined ? context.refreshResource : (resource?.identifier ?? null),
          revokedAt: null,
          createdAt: now,
        }
      : undefined;
    return { accessToken, access, refreshToken, refresh, expiresIn, grantId };
  }

  /** RFC 9068: a JWT access token, `typ: at+jwt`, signed with the current RS256 key. */
  private jwtAccessToken(input: { id: string; client: AuthenticatedClient; userId: string | null; scope: string; audience: string; now: number; expiresIn: number }): Promise<string> {
    return this.keys.sign(
      {
        iss: this.config.issuer,
        sub: input.userId ?? input.client.id,
        aud: input.audience,
        client_id: input.client.id,
        iat: input.now,
        exp: input.now + input.expiresIn,
        jti: input.id,
        scope: input.scope,
      },
      'RS256',
      'at+jwt',
    );
  }

  private issuedEvent(context: IssueContext, minted: Minted): AuditEventEntity {
    return this.audit.row({
      type: 'token.issued',
      actorUserId: context.userId,
      clientId: context.client.id,
      subject: minted.access.id,
      detail: { ...context.audit, grant_type: currentGrantType(), grant_id: minted.grantId, scope: context.scope, refresh_token: Boolean(minted.refreshToken) },
    });
  }

  private response(context: IssueContext, minted: Minted): TokenResponse {
    const response: TokenResponse = { access_token: minted.accessToken, token_type: 'Bearer', expires_in: minted.expiresIn, scope: minted.access.scope };
    if (minted.refreshToken) response.refresh_token = minted.refreshToken;
    return response;
  }

  /**
   * A revocation's transaction, tied to the request it serves: if that request is answered 503 on
   * timeout first, the transaction is rolled back (or never started), so the 503 means nothing
   * happened (issue 12 §1).
   */
  private inRequestTransaction(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    const abandoned = currentRequestContext()?.abandoned;
    return this.transactions.run((manager) => abandonable(manager, [abandoned], () => work(manager)));
  }

  /** An access token that is neither expired nor revoked. */
  async findActiveAccessToken(token: string): Promise<AccessTokenEntity | null> {
    const row = await this.findAccessToken(token);
    return row && row.revokedAt === null && row.expiresAt > nowSeconds() ? row : null;
  }

  /** Any stored access token by value, whatever its state. */
  findAccessToken(token: string): Promise<AccessTokenEntity | null> {
    return this.accessByHash(sha256Hex(token));
  }

  findRefreshToken(token: string): Promise<RefreshTokenEntity | null> {
    return this.refreshByHash(sha256Hex(token));
  }

  /** Revokes every access and refresh token descending from one grant (RFC 9700 §4.14.2). */
  async revokeGrant(grantId: string, reason: string): Promise<void> {
    const revokedAt = nowSeconds();
    await this.inRequestTransaction(async (manager) => {
      await manager.update(AccessTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt });
      await manager.update(RefreshTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt });
      await this.audit.recordIn(manager, { type: 'token.revoked', subject: grantId, detail: { scope: 'grant', reason } });
    });
  }

  /** Active (unexpired, unrevoked, unrotated) tokens of an owner, newest first. */
  async listActive(owner: TokenOwner): Promise<TokenSummary[]> {
    const now = nowSeconds();
    const where = { ...ownerWhere(owner), revokedAt: IsNull(), expiresAt: MoreThan(now) };
    const [access, refresh] = await Promise.all([
      this.accessTokens.find({ where, order: { createdAt: 'DESC' }, take: 1000 }),
      this.refreshTokens.find({ where: { ...where, rotatedAt: IsNull() }, order: { createdAt: 'DESC' }, take: 1000 }),
    ]);
    const summary = (type: TokenSummary['type']) => (row: AccessTokenEntity | RefreshTokenEntity): TokenSummary => ({
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

  /** Revokes every token of an owner. */
  async revokeAll(owner: TokenOwner, reason: string): Promise<void> {
    const revokedAt = nowSeconds();
    const where = { ...ownerWhere(owner), revokedAt: IsNull() };
    await this.inRequestTransaction(async (manager) => {
      await manager.update(AccessTokenEntity, where, { revokedAt });
      await manager.update(RefreshTokenEntity, where, { revokedAt });
      await this.audit.recordIn(manager, {
        type: 'token.revoked',
        clientId: owner.clientId ?? null,
        subject: owner.userId ?? owner.clientId ?? null,
        detail: { scope: owner.userId && owner.clientId ? 'user_client' : owner.userId ? 'user' : 'client', reason },
      });
    });
  }

  /** Revokes one token by id (a refresh token takes its grant with it). False when unknown. */
  async revokeById(id: string, owner?: TokenOwner): Promise<boolean> {
    const where = { id, ...(owner ? ownerWhere(owner) : {}) };
    const refresh = await this.refreshTokens.findOneBy(where);
    if (refresh) {
      await this.revokeGrant(refresh.grantId, 'admin');
      return true;
    }
    if (!(await this.accessTokens.existsBy(where))) return false;
    await this.revokeAccessToken(id, 'admin');
    return true;
  }

  async revokeAccessToken(id: string, reason: string): Promise<void> {
    await this.inRequestTransaction(async (manager) => {
      await manager.update(AccessTokenEntity, { id, revokedAt: IsNull() }, { revokedAt: nowSeconds() });
      await this.audit.recordIn(manager, { type: 'token.revoked', subject: id, detail: { scope: 'access_token', reason } });
    });
  }
}

/** MySQL: locks the unspent inputs among `ids` (SELECT ... FOR UPDATE), then spends them in one UPDATE. */
async function lockAndSpend(manager: EntityManager, kind: SingleUseInput['kind'], ids: string[], now: number): Promise<string[]> {
  const target = spendTarget(manager, kind);
  const locked = (await manager.query(`SELECT ${target.id} AS id FROM ${target.table} WHERE ${target.unspentAmong(ids.length)} FOR UPDATE`, ids)) as { id: string }[];
  const spendable = locked.map((row) => row.id);
  if (spendable.length > 0) await manager.query(target.spend(spendable.length), [now, ...spendable]);
  return spendable;
}

/** SQLite: the same spend as one UPDATE ... RETURNING, so the transaction starts with a write. */
async function spendReturning(manager: EntityManager, kind: SingleUseInput['kind'], ids: string[], now: number): Promise<string[]> {
  const target = spendTarget(manager, kind);
  const rows = (await manager.query(`${target.spend(ids.length)} RETURNING ${target.id} AS id`, [now, ...ids])) as { id: string }[];
  return rows.map((row) => row.id);
}

/** The escaped table and columns of one kind of single-use input, and its statements. */
function spendTarget(manager: EntityManager, kind: SingleUseInput['kind']) {
  const spec = SINGLE_USE[kind];
  const metadata = manager.connection.getMetadata(spec.entity);
  const escape = (name: string) => manager.connection.driver.escape(name);
  const column = (property: string) => escape(metadata.findColumnWithPropertyName(property)!.databaseName);
  const table = escape(metadata.tableName);
  const id = column('id');
  /** `id IN (?, ...) AND <each unspent column> IS NULL` */
  const unspentAmong = (count: number) =>
    [`${id} IN (${Array.from({ length: count }, () => '?').join(', ')})`, ...spec.unspent.map((property) => `${column(property)} IS NULL`)].join(' AND ');
  return {
    table,
    id,
    unspentAmong,
    /** `UPDATE <inputs> SET <spent> = ? WHERE <unspentAmong>`: the first parameter is the time. */
    spend: (count: number) => `UPDATE ${table} SET ${column(spec.spentColumn)} = ? WHERE ${unspentAmong(count)}`,
  };
}

/** MySQL/MariaDB chose this transaction as a deadlock victim and rolled it back. */
function isDeadlock(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === 'ER_LOCK_DEADLOCK';
}

function ownerWhere(owner: TokenOwner): FindOptionsWhere<AccessTokenEntity & RefreshTokenEntity> {
  return {
    ...(owner.userId !== undefined ? { userId: owner.userId } : {}),
    ...(owner.clientId !== undefined ? { clientId: owner.clientId } : {}),
  };
}
