import { Column, Entity } from 'typeorm';
import type { Authentication } from '../../common/oauth/authentication';
import { ClientIdColumn, EpochColumn, Sha256Column, UuidColumn, UuidPrimaryColumn } from '../../common/database/columns';
import type { ClaimsRequest } from '../../oidc/standard-claims';
import type { Confirmation } from '../binding/confirmation';

@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @UuidPrimaryColumn()
  id: string;

  @Sha256Column('token_hash')
  tokenHash: string;

  @ClientIdColumn()
  clientId: string;

  @UuidColumn('user_id', { nullable: true })
  userId: string | null;

  /** The scope of the grant; a rotated token keeps it (RFC 6749 §6). */
  @Column({ type: 'text' })
  scope: string;

  @UuidColumn('grant_id')
  grantId: string;

  /** RFC 8707: the resource server (audience) the tokens of this grant are for; null: none named. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource: string | null;

  /** RFC 7800 §3.1 `cnf`: the key (`jkt`) or certificate (`x5t#S256`) a public client's refresh token is bound to (RFC 9449 §5, RFC 8705 §4); null: none. */
  @Column({ type: 'simple-json', nullable: true })
  cnf: Confirmation | null;

  @EpochColumn('expires_at')
  expiresAt: number;

  /** Set when this token was exchanged for a new one; presenting it again is reuse. */
  @EpochColumn('rotated_at', { nullable: true })
  rotatedAt: number | null;

  /** When the user authenticated, for the ID Token a refresh returns (OpenID Connect Core §12.2). */
  @EpochColumn('auth_time', { nullable: true })
  authTime: number | null;

  /** The OpenID Connect `claims` request parameter of the grant (Core §5.5); null: none. */
  @Column({ type: 'simple-json', nullable: true })
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

  /** How the user signed in (RFC 8176 amr, OpenID Connect acr); null: before this was recorded (a password). */
  @Column({ type: 'simple-json', nullable: true })
  authentication: Authentication | null;

  @EpochColumn('created_at')
  createdAt: number;
}
