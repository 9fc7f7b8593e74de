import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { randomToken, sha256Hex } from '../common/crypto/tokens';
import { OAuthError } from '../common/oauth/oauth-error';
import { nowSeconds } from '../common/time';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { InitialAccessTokenEntity, type InitialAccessTokenPolicy } from './initial-access-token.entity';
import { InitialAccessTokenRepository } from './initial-access-token.repository';

export interface NewInitialAccessToken {
  readonly description: string | null;
  readonly expiresIn: number | null;
  readonly maxUses: number | null;
  readonly policy: InitialAccessTokenPolicy | null;
}

/** RFC 7591 §3: initial access tokens, stored as SHA-256, shown once. */
@Injectable()
export class InitialAccessTokens {
  constructor(
    private readonly repository: InitialAccessTokenRepository,
    private readonly work: UnitOfWork,
  ) {}

  async create(input: NewInitialAccessToken): Promise<{ token: string; entity: InitialAccessTokenEntity }> {
    const token = randomToken();
    const now = nowSeconds();
    const entity = this.repository.create({
      id: randomUUID(),
      tokenHash: sha256Hex(token),
      description: input.description,
      expiresAt: input.expiresIn === null ? null : now + input.expiresIn,
      maxUses: input.maxUses,
      uses: 0,
      policy: input.policy,
      revokedAt: null,
      createdAt: now,
    });
    await this.work.audited({ type: 'admin.initial_access_token.created', subject: entity.id }, () => this.repository.insert(entity));
    return { token, entity };
  }

  list(): Promise<InitialAccessTokenEntity[]> {
    return this.repository.list();
  }

  async revoke(id: string): Promise<void> {
    const row = await this.repository.find(id);
    if (!row) throw new OAuthError('not_found', 'initial access token not found');
    await this.work.audited({ type: 'admin.initial_access_token.revoked', subject: id }, () => this.repository.revoke(id, nowSeconds()));
  }

  /** The usable token a bearer value names (not revoked, not expired, uses left), or null. */
  async findUsable(token: string): Promise<InitialAccessTokenEntity | null> {
    // Looked up by its hash: the comparison happens on a digest, never on the secret itself.
    const row = await this.repository.findByHash(sha256Hex(token));
    if (!row || row.revokedAt !== null) return null;
    if (row.expiresAt !== null && row.expiresAt <= nowSeconds()) return null;
    if (row.maxUses !== null && row.uses >= row.maxUses) return null;
    return row;
  }

  /**
   * Counts one registration, in the caller's unit of work; false when the last use went to a
   * concurrent request first (the conditional update changed nothing).
   */
  spend(row: InitialAccessTokenEntity): Promise<boolean> {
    return this.repository.countUse(row);
  }
}
