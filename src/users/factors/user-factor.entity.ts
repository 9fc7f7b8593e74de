import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../../common/database/bigint.transformer';

/**
 * One sign-in factor of a user besides the password: a TOTP authenticator (its secret sealed with
 * AES-256-GCM under KEY_ENCRYPTION_SECRET) or one recovery code (its keyed hash only).
 */
@Entity('user_factors')
@Index('idx_user_factors_user', ['userId'])
export class UserFactorEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
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

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: bigintTransformer })
  lastUsedAt: number | null;

  /** When a single-use factor (a recovery code) was used up; null while it is usable. */
  @Column({ name: 'spent_at', type: 'bigint', nullable: true, transformer: bigintTransformer })
  spentAt: number | null;
}
