import { Column, Entity } from 'typeorm';
import { JsonColumn, Sha256Column, UuidPrimaryColumn } from '../common/database/columns';

/** What an initial access token lets its holder register (RFC 7591 §3: the server's policy). */
export interface InitialAccessTokenPolicy {
  readonly grantTypes?: readonly string[];
  /** Scopes a registered client may list; any other is refused. */
  readonly scopes?: readonly string[];
  /** Each redirect URI must match one: `*` stands for any run of characters. */
  readonly redirectUriPatterns?: readonly string[];
  readonly tokenEndpointAuthMethods?: readonly string[];
}

/** RFC 7591 §3: a token an administrator hands out to let its holder call the registration endpoint. */
@Entity('initial_access_tokens')
export class InitialAccessTokenEntity {
  @UuidPrimaryColumn()
  id: string;

  /** SHA-256 hex of the token (256 random bits); the token itself is shown once. */
  @Sha256Column('token_hash', { unique: true })
  tokenHash: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description: string | null;

  /** Epoch seconds; null: never expires. */
  @Column({ name: 'expires_at', type: 'int', nullable: true })
  expiresAt: number | null;

  /** How many registrations it allows; null: any number. */
  @Column({ name: 'max_uses', type: 'int', nullable: true })
  maxUses: number | null;

  @Column({ type: 'int' })
  uses: number;

  @JsonColumn('policy', { nullable: true })
  policy: InitialAccessTokenPolicy | null;

  @Column({ name: 'revoked_at', type: 'int', nullable: true })
  revokedAt: number | null;

  @Column({ name: 'created_at', type: 'int' })
  createdAt: number;
}
