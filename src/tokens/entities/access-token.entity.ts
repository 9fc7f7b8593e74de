import { Column, Entity } from 'typeorm';
import type { Authentication } from '../../common/oauth/authentication';
import { ClientIdColumn, EpochColumn, Sha256Column, UuidColumn, UuidPrimaryColumn } from '../../common/database/columns';
import type { ClaimsRequest } from '../../oidc/standard-claims';
import type { Confirmation } from '../binding/confirmation';

@Entity('access_tokens')
export class AccessTokenEntity {
  @UuidPrimaryColumn()
  id: string;

  @Sha256Column('token_hash')
  tokenHash: string;

  @ClientIdColumn()
  clientId: string;

  /** null for client_credentials tokens. */
  @UuidColumn('user_id', { nullable: true })
  userId: string | null;

  @Column({ type: 'text' })
  scope: string;

  /** The authorization grant this token descends from (code id, or the first token's family id). */
  @UuidColumn('grant_id')
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

  @EpochColumn('expires_at')
  expiresAt: number;

  @EpochColumn('revoked_at', { nullable: true })
  revokedAt: number | null;

  /** How the user signed in (RFC 8176 amr, OpenID Connect acr); null: before this was recorded (a password). */
  @Column({ type: 'simple-json', nullable: true })
  authentication: Authentication | null;

  /** When the user authenticated (OpenID Connect auth_time); null without a user or before this was recorded. */
  @EpochColumn('auth_time', { nullable: true })
  authTime: number | null;

  @EpochColumn('created_at')
  createdAt: number;
}
