import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Authentication } from '../common/oauth/authentication';
import { bigintTransformer } from '../common/database/bigint.transformer';

/**
 * A signed-in browser at the authorize endpoint. The cookie holds a random value; the table holds
 * its SHA-256, so sessions survive restarts and work on every instance.
 */
@Entity('login_sessions')
export class LoginSessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'session_hash', type: 'varchar', length: 64 })
  sessionHash: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintTransformer })
  expiresAt: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  /** How the user signed in (RFC 8176 amr, OpenID Connect acr); null: before this was recorded (a password). */
  @Column({ type: 'simple-json', nullable: true })
  authentication: Authentication | null;

  /** When the user last authenticated (a step-up to a second factor moves it); null: at createdAt. */
  @Column({ name: 'auth_time', type: 'bigint', nullable: true, transformer: bigintTransformer })
  authTime: number | null;
}
