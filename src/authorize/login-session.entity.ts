import { Entity } from 'typeorm';
import type { Authentication } from '../common/oauth/authentication';
import { EpochColumn, Sha256Column, UuidColumn, UuidPrimaryColumn } from '../common/database/columns';
import { AuthenticationColumn, AuthTimeColumn } from '../common/database/grant-columns';

/**
 * A signed-in browser at the authorize endpoint. The cookie holds a random value; the table holds
 * its SHA-256, so sessions survive restarts and work on every instance.
 */
@Entity('login_sessions')
export class LoginSessionEntity {
  @UuidPrimaryColumn()
  id: string;

  @Sha256Column('session_hash')
  sessionHash: string;

  @UuidColumn('user_id')
  userId: string;

  @EpochColumn('expires_at')
  expiresAt: number;

  @EpochColumn('created_at')
  createdAt: number;

  @AuthenticationColumn()
  authentication: Authentication | null;

  /** When the user last authenticated (a step-up to a second factor moves it); null: at createdAt. */
  @AuthTimeColumn()
  authTime: number | null;
}
