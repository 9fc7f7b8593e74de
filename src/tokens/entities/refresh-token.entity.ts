import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Authentication } from '../../common/oauth/authentication';
import { bigintTransformer } from '../../common/database/bigint.transformer';
import type { ClaimsRequest } from '../../oidc/standard-claims';
import type { Confirmation } from '../binding/confirmation';

@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  /** The scope of the grant; a rotated token keeps it (RFC 6749 §6). */
  @Column({ type: 'text' })
  scope: string;

  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  /** RFC 8707: the resource server (audience) the tokens of this grant are for; null: none named. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource: string | null;

  /** RFC 7800 §3.1 `cnf`: the key (`jkt`) or certificate (`x5t#S256`) a public client's refresh token is bound to (RFC 9449 §5, RFC 8705 §4); null: none. */
  @Column({ type: 'simple-json', nullable: true })
  cnf: Confirmation | null;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintTransformer })
  expiresAt: number;

  /** Set when this token was exchanged for a new one; presenting it again is reuse. */
  @Column({ name: 'rotated_at', type: 'bigint', nullable: true, transformer: bigintTransformer })
  rotatedAt: number | null;

  /** When the user authenticated, for the ID Token a refresh returns (OpenID Connect Core §12.2). */
  @Column({ name: 'auth_time', type: 'bigint', nullable: true, transformer: bigintTransformer })
  authTime: number | null;

  /** The OpenID Connect `claims` request parameter of the grant (Core §5.5); null: none. */
  @Column({ type: 'simple-json', nullable: true })
  claims: ClaimsRequest | null;

  /**
   * The refresh token whose presentation issued this one (null: issued by a code redemption or a
   * password grant). A retry that presents the same token again finds its unused child here.
   */
  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true })
  parentId: string | null;

  /** The access token issued together with this one, revoked if a retry replaces them both. */
  @Column({ name: 'access_token_id', type: 'varchar', length: 36, nullable: true })
  accessTokenId: string | null;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: bigintTransformer })
  revokedAt: number | null;

  /** How the user signed in (RFC 8176 amr, OpenID Connect acr); null: before this was recorded (a password). */
  @Column({ type: 'simple-json', nullable: true })
  authentication: Authentication | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;
}
