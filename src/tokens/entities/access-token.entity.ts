import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Authentication } from '../../common/oauth/authentication';
import { bigintTransformer } from '../../common/database/bigint.transformer';
import type { ClaimsRequest } from '../../oidc/standard-claims';
import type { Confirmation } from '../binding/confirmation';

@Entity('access_tokens')
export class AccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  /** null for client_credentials tokens. */
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Column({ type: 'text' })
  scope: string;

  /** The authorization grant this token descends from (code id, or the first token's family id). */
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  /** RFC 8707: the resource server (audience) the tokens of this grant are for; null: none named. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource: string | null;

  /** The OpenID Connect `claims` request parameter of the grant (Core §5.5); null: none. */
  @Column({ type: 'simple-json', nullable: true })
  claims: ClaimsRequest | null;

  /** RFC 7800 §3.1 `cnf`: the key (`jkt`) or certificate (`x5t#S256`) the token is bound to; null: a bearer token. */
  @Column({ type: 'simple-json', nullable: true })
  cnf: Confirmation | null;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintTransformer })
  expiresAt: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: bigintTransformer })
  revokedAt: number | null;

  /** How the user signed in (RFC 8176 amr, OpenID Connect acr); null: before this was recorded (a password). */
  @Column({ type: 'simple-json', nullable: true })
  authentication: Authentication | null;

  /** When the user authenticated (OpenID Connect auth_time); null without a user or before this was recorded. */
  @Column({ name: 'auth_time', type: 'bigint', nullable: true, transformer: bigintTransformer })
  authTime: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;
}
