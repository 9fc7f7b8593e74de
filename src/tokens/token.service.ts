import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, FindOptionsWhere, IsNull, MoreThan, Repository } from 'typeorm';
import { TransactionRunner } from '../common/database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedClient } from '../clients/clients.service';
import { randomToken, sha256Hex } from '../common/crypto/tokens';
import { nowSeconds } from '../common/time';
import { SettingsService } from '../settings/settings.service';
import { AccessTokenEntity } from './entities/access-token.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
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
  /** For the audit trail. */
  readonly grantType?: string;
}

/**
 * The only place that mints, finds and revokes tokens. Grants call it; they never build token
 * strings or rows themselves. Tokens are stored as SHA-256 hashes only.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly transactions: TransactionRunner,
    @InjectRepository(AccessTokenEntity) private readonly accessTokens: Repository<AccessTokenEntity>,
    @InjectRepository(RefreshTokenEntity) private readonly refreshTokens: Repository<RefreshTokenEntity>,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
  ) {}

  async issue(context: IssueContext): Promise<TokenResponse> {
    const minted = await this.mint(context);
    if (minted.refresh) {
      const refresh = minted.refresh;
      await this.transactions.run(async (manager) => {
        await manager.insert(AccessTokenEntity, minted.access);
        await manager.insert(RefreshTokenEntity, refresh);
      });
    } else {
      // One row: a single autocommit INSERT, no transaction round trips.
      await this.accessTokens.insert(minted.access);
    }
    return this.issued(context, minted);
  }

  /**
   * Spends a single-use input (an authorization code, a refresh token) and stores the new tokens in
   * one transaction, so one commit decides both: either the claim and the tokens exist, or
   * neither. `claim` is a conditional UPDATE; when it changes no row (another request spent the
   * input first) nothing is inserted and the answer is null. The transaction commits either way,
   * never rolls back in normal flow (on SQLite other statements may share the connection).
   */
  async issueClaimed(context: IssueContext, claim: (manager: EntityManager) => Promise<boolean>): Promise<TokenResponse | null> {
    const minted = await this.mint(context);
    const claimed = await this.transactions.run(async (manager) => {
      if (!(await claim(manager))) return false;
      await manager.insert(AccessTokenEntity, minted.access);
      if (minted.refresh) await manager.insert(RefreshTokenEntity, minted.refresh);
      return true;
    });
    return claimed ? this.issued(context, minted) : null;
  }

  /** New token values and their rows (hashes only), not yet stored. */
  private async mint(context: IssueContext): Promise<Minted> {
    const { client } = context;
    const settings = await this.settings.get();
    const now = nowSeconds();
    const grantId = context.grantId ?? randomUUID();
    const expiresIn = client.accessTokenTtl ?? settings.accessTokenTtl;
    const accessToken = randomToken();
    const access = this.accessTokens.create({
      id: randomUUID(),
      tokenHash: sha256Hex(accessToken),
      clientId: client.id,
      userId: context.userId,
      scope: context.scope,
      grantId,
      expiresAt: now + expiresIn,
      revokedAt: null,
      createdAt: now,
    });
    const withRefresh = context.withRefreshToken && client.grantTypes.includes('refresh_token');
    const refreshToken = withRefresh ? randomToken() : undefined;
    const refresh = refreshToken
      ? this.refreshTokens.create({
          id: randomUUID(),
          tokenHash: sha256Hex(refreshToken),
          clientId: client.id,
          userId: context.userId,
          scope: context.refreshScope ?? context.scope,
          grantId,
          expiresAt: now + (client.refreshTokenTtl ?? settings.refreshTokenTtl),
          rotatedAt: null,
          revokedAt: null,
          createdAt: now,
        })
      : undefined;
    return { accessToken, access, refreshToken, refresh, expiresIn, grantId };
  }

  private async issued(context: IssueContext, minted: Minted): Promise<TokenResponse> {
    await this.audit.record({
      type: 'token.issued',
      actorUserId: context.userId,
      clientId: context.client.id,
      subject: minted.access.id,
      detail: { grant_type: context.grantType ?? null, grant_id: minted.grantId, scope: context.scope, refresh_token: Boolean(minted.refreshToken) },
    });
    const response: TokenResponse = { access_token: minted.accessToken, token_type: 'Bearer', expires_in: minted.expiresIn, scope: context.scope };
    if (minted.refreshToken) response.refresh_token = minted.refreshToken;
    return response;
  }

  /** An access token that is neither expired nor revoked. */
  async findActiveAccessToken(token: string): Promise<AccessTokenEntity | null> {
    const row = await this.accessTokens.findOneBy({ tokenHash: sha256Hex(token) });
    return row && row.revokedAt === null && row.expiresAt > nowSeconds() ? row : null;
  }

  /** Any stored access token by value, whatever its state. */
  findAccessToken(token: string): Promise<AccessTokenEntity | null> {
    return this.accessTokens.findOneBy({ tokenHash: sha256Hex(token) });
  }

  findRefreshToken(token: string): Promise<RefreshTokenEntity | null> {
    return this.refreshTokens.findOneBy({ tokenHash: sha256Hex(token) });
  }

  /**
   * Marks a refresh token as exchanged, atomically: of two concurrent requests with the same
   * token, exactly one gets true (the conditional UPDATE decides, on any number of instances).
   */
  async claimRefreshToken(id: string, manager?: EntityManager): Promise<boolean> {
    const result = await (manager?.getRepository(RefreshTokenEntity) ?? this.refreshTokens).update(
      { id, rotatedAt: IsNull(), revokedAt: IsNull() },
      { rotatedAt: nowSeconds() },
    );
    return result.affected === 1;
  }

  /** Revokes every access and refresh token descending from one grant (RFC 9700 §4.14.2). */
  async revokeGrant(grantId: string, reason: string): Promise<void> {
    const revokedAt = nowSeconds();
    await this.transactions.run(async (manager) => {
      await manager.update(AccessTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt });
      await manager.update(RefreshTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt });
    });
    await this.audit.record({ type: 'token.revoked', subject: grantId, detail: { scope: 'grant', reason } });
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
    await this.transactions.run(async (manager) => {
      await manager.update(AccessTokenEntity, where, { revokedAt });
      await manager.update(RefreshTokenEntity, where, { revokedAt });
    });
    await this.audit.record({
      type: 'token.revoked',
      clientId: owner.clientId ?? null,
      subject: owner.userId ?? owner.clientId ?? null,
      detail: { scope: owner.userId && owner.clientId ? 'user_client' : owner.userId ? 'user' : 'client', reason },
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
    await this.accessTokens.update({ id, revokedAt: IsNull() }, { revokedAt: nowSeconds() });
    await this.audit.record({ type: 'token.revoked', subject: id, detail: { scope: 'access_token', reason } });
  }
}

function ownerWhere(owner: TokenOwner): FindOptionsWhere<AccessTokenEntity & RefreshTokenEntity> {
  return {
    ...(owner.userId !== undefined ? { userId: owner.userId } : {}),
    ...(owner.clientId !== undefined ? { clientId: owner.clientId } : {}),
  };
}
