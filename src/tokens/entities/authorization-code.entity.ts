import { Column, Entity } from 'typeorm';
import type { Authentication } from '../../common/oauth/authentication';
import { ClientIdColumn, EpochColumn, Sha256Column, UuidColumn, UuidPrimaryColumn } from '../../common/database/columns';
import type { ClaimsRequest } from '../../oidc/standard-claims';

@Entity('authorization_codes')
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

  @Column({ type: 'text' })
  scope: string;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge: string | null;

  @Column({ name: 'code_challenge_method', type: 'varchar', length: 8, nullable: true })
  codeChallengeMethod: 'S256' | 'plain' | null;

  /** OpenID Connect: echoed in the ID Token. */
  @Column({ type: 'varchar', length: 512, nullable: true })
  nonce: string | null;

  /** When the user authenticated (the login session's start), for the ID Token's auth_time. */
  @EpochColumn('auth_time', { nullable: true })
  authTime: number | null;

  /** The OpenID Connect `claims` request parameter of the grant (Core §5.5); null: none. */
  @Column({ type: 'simple-json', nullable: true })
  claims: ClaimsRequest | null;

  /** RFC 8707: the resource server (audience) the tokens of this grant are for; null: none named. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource: string | null;

  /** RFC 9449 §10: the DPoP key (`dpop_jkt`) the code's token request must prove; null: any or none. */
  @Column({ name: 'dpop_jkt', type: 'varchar', length: 64, nullable: true })
  dpopJkt: string | null;

  @EpochColumn('expires_at')
  expiresAt: number;

  /** When the code was spent (redeemed, or voided with its consent); the column keeps its first name. */
  @EpochColumn('consumed_at', { nullable: true })
  spentAt: number | null;

  /** How the user signed in (RFC 8176 amr, OpenID Connect acr); null: before this was recorded (a password). */
  @Column({ type: 'simple-json', nullable: true })
  authentication: Authentication | null;

  @EpochColumn('created_at')
  createdAt: number;
}
