import { Column, Entity, Index } from 'typeorm';
import { EpochColumn, UuidColumn, UuidPrimaryColumn } from '../../common/database/columns';

/**
 * One sign-in factor of a user besides the password: a TOTP authenticator (its secret sealed with
 * AES-256-GCM under KEY_ENCRYPTION_SECRET) or one recovery code (its keyed hash only).
 */
@Entity('user_factors')
@Index('idx_user_factors_user', ['userId'])
export class UserFactorEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn('user_id')
  userId: string;

  /** The SignInFactor that verifies it: 'totp', 'recovery_code'. */
  @Column({ type: 'varchar', length: 32 })
  type: string;

  /** What the user calls it ("Phone"); shown on the account page and in the admin API. */
  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The sealed secret (TOTP) or the keyed hash (recovery code); never shown. */
  @Column({ type: 'text' })
  secret: string;

  @EpochColumn('created_at')
  createdAt: number;

  @EpochColumn('last_used_at', { nullable: true })
  lastUsedAt: number | null;

  /** When a single-use factor (a recovery code) was used up; null while it is usable. */
  @EpochColumn('spent_at', { nullable: true })
  spentAt: number | null;
}
