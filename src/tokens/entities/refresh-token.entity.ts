import { Entity } from 'typeorm';
import type { Authentication } from '../../common/oauth/authentication';
import { EpochColumn, UuidColumn } from '../../common/database/columns';
import { AuthenticationColumn, AuthTimeColumn, ClaimsRequestColumn, ConfirmationColumn } from '../../common/database/grant-columns';
import type { ClaimsRequest } from '../../oidc/standard-claims';
import type { Confirmation } from '../binding/confirmation';
import { IssuedTokenEntity } from './issued-token.entity';

@Entity('refresh_tokens')
export class RefreshTokenEntity extends IssuedTokenEntity {
  /** Only a public client's refresh token is bound (RFC 9449 §5, RFC 8705 §4). */
  @ConfirmationColumn()
  cnf: Confirmation | null;

  @EpochColumn('expires_at')
  expiresAt: number;

  /** Set when this token was exchanged for a new one; presenting it again is reuse. */
  @EpochColumn('rotated_at', { nullable: true })
  rotatedAt: number | null;

  /** For the ID Token a refresh returns (OpenID Connect Core §12.2). */
  @AuthTimeColumn()
  authTime: number | null;

  @ClaimsRequestColumn()
  claims: ClaimsRequest | null;

  /**
   * The refresh token whose presentation issued this one (null: issued by a code redemption or a
   * password grant). A retry that presents the same token again finds its unused child here.
   */
  @UuidColumn('parent_id', { nullable: true })
  parentId: string | null;

  /** The access token issued together with this one, revoked if a retry replaces them both. */
  @UuidColumn('access_token_id', { nullable: true })
  accessTokenId: string | null;

  @EpochColumn('revoked_at', { nullable: true })
  revokedAt: number | null;

  @AuthenticationColumn()
  authentication: Authentication | null;

  @EpochColumn('created_at')
  createdAt: number;
}
