import { Column, Entity, Index } from 'typeorm';
import type { Authentication } from '../../common/oauth/authentication';
import { ClientIdColumn, EpochColumn, ScopeColumn, Sha256Column, UuidColumn, UuidPrimaryColumn } from '../../common/database/columns';
import { AuthenticationColumn, AuthTimeColumn, ClaimsRequestColumn, ResourceColumn } from '../../common/database/grant-columns';
import type { ClaimsRequest } from '../../oidc/standard-claims';

@Entity('authorization_codes')
@Index('idx_authorization_codes_user', ['userId'])
@Index('idx_authorization_codes_client', ['clientId'])
export class AuthorizationCodeEntity {
  /** Also the grant id of every token issued from this code (for replay revocation). */
  @UuidPrimaryColumn()
  id: string;

  @Sha256Column('code_hash')
  codeHash: string;

  @ClientIdColumn()
  clientId: string;

  @UuidColumn('user_id')
  userId: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  /** RFC 6749 §4.1.3: redirect_uri is required at the token endpoint only if it was sent here. */
  @Column({ name: 'redirect_uri_provided', type: 'boolean' })
  redirectUriProvided: boolean;

  @ScopeColumn()
  scope: string;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge: string | null;

  @Column({ name: 'code_challenge_method', type: 'varchar', length: 8, nullable: true })
  codeChallengeMethod: 'S256' | 'plain' | null;

  /** OpenID Connect: echoed in the ID Token. */
  @Column({ type: 'varchar', length: 512, nullable: true })
  nonce: string | null;

  /** The login session's start, for the ID Token's auth_time. */
  @AuthTimeColumn()
  authTime: number | null;

  @ClaimsRequestColumn()
  claims: ClaimsRequest | null;

  @ResourceColumn()
  resource: string | null;

  /** RFC 9449 §10: the DPoP key (`dpop_jkt`) the code's token request must prove; null: any or none. */
  @Column({ name: 'dpop_jkt', type: 'varchar', length: 64, nullable: true })
  dpopJkt: string | null;

  @EpochColumn('expires_at')
  expiresAt: number;

  /** When the code was spent (redeemed, or voided with its consent); the column keeps its first name. */
  @EpochColumn('consumed_at', { nullable: true })
  spentAt: number | null;

  @AuthenticationColumn()
  authentication: Authentication | null;

  @EpochColumn('created_at')
  createdAt: number;
}
