import { Column, Entity, Index } from 'typeorm';
import { EpochColumn, Sha256PrimaryColumn, UuidColumn } from '../../common/database/columns';

/** What a WebAuthn challenge was issued for: adding a passkey, signing in with one, or a second factor. */
export type PasskeyCeremony = 'register' | 'login' | 'second_factor';

/**
 * A WebAuthn challenge handed to a browser (WebAuthn §13.4.3: generated and kept by the server,
 * used once). Stored in the database so that any instance can complete the ceremony; deleted by
 * the one that consumes it, or by the janitor once expired.
 */
@Entity('passkey_challenges')
@Index('idx_passkey_challenges_expires_at', ['expiresAt'])
export class PasskeyChallengeEntity {
  /** SHA-256 hex of the challenge (base64url). */
  @Sha256PrimaryColumn()
  id: string;

  @Column({ type: 'varchar', length: 16 })
  ceremony: PasskeyCeremony;

  /** The user it was issued to; null for a sign-in with a passkey and no username (a discoverable credential). */
  @UuidColumn('user_id', { nullable: true })
  userId: string | null;

  @EpochColumn('expires_at')
  expiresAt: number;
}
