import { Entity } from 'typeorm';
import type { Authentication } from '../../common/oauth/authentication';
import { EpochColumn } from '../../common/database/columns';
import { AuthenticationColumn, AuthTimeColumn, ClaimsRequestColumn, ConfirmationColumn } from '../../common/database/grant-columns';
import type { ClaimsRequest } from '../../oidc/standard-claims';
import type { Confirmation } from '../binding/confirmation';
import { IssuedTokenEntity } from './issued-token.entity';

@Entity('access_tokens')
export class AccessTokenEntity extends IssuedTokenEntity {
  @ClaimsRequestColumn()
  claims: ClaimsRequest | null;

  /** Null: a bearer token. */
  @ConfirmationColumn()
  cnf: Confirmation | null;

  @EpochColumn('expires_at')
  expiresAt: number;

  @EpochColumn('revoked_at', { nullable: true })
  revokedAt: number | null;

  @AuthenticationColumn()
  authentication: Authentication | null;

  /** Null without a user, or before this was recorded. */
  @AuthTimeColumn()
  authTime: number | null;

  @EpochColumn('created_at')
  createdAt: number;
}
