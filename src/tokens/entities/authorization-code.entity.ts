import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Authentication } from '../../common/oauth/authentication';
import { bigintTransformer } from '../../common/database/bigint.transformer';
import type { ClaimsRequest } from '../../oidc/standard-claims';

@Entity('authorization_codes')
export class AuthorizationCodeEntity {
  /** Also the grant id of every token issued from this code (for replay revocation). */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
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
  @Column({ name: 'auth_time', type: 'bigint', nullable: true, transformer: bigintTransformer })
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

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintTransformer })
  expiresAt: number;

  /** When the code was spent (redeemed, or voided with its consent); the column keeps its first name. */
  @Column({ name: 'consumed_at', type: 'bigint', nullable: true, transformer: bigintTransformer })
  spentAt: number | null;

  /** How the user signed in (RFC 8176 amr, OpenID Connect acr); null: before this was recorded (a password). */
  @Column({ type: 'simple-json', nullable: true })
  authentication: Authentication | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;
}
