import { Column, Entity, Index } from 'typeorm';
import { bigintTransformer } from '../../common/database/bigint.transformer';
import { Sha256Column, UuidColumn, UuidPrimaryColumn } from '../../common/database/columns';

/**
 * A passkey's WebAuthn credential (W3C WebAuthn Level 3): its public key and what the authenticator
 * said of it. The factor itself (its name, when it was added and last used) is the user_factors row
 * of the same id; deleting that row deletes this one (foreign key, ON DELETE CASCADE).
 */
@Entity('passkey_credentials')
@Index('idx_passkey_credentials_user', ['userId'])
export class PasskeyCredentialEntity {
  /** The id of its user_factors row. */
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn('user_id')
  userId: string;

  /** SHA-256 hex of the credential id: looked up by it (a credential id may be 1023 bytes, too long to index). */
  @Index('idx_passkey_credentials_hash', { unique: true })
  @Sha256Column('credential_hash')
  credentialHash: string;

  /** The credential id, base64url (WebAuthn §4 "Credential ID"); not a secret. */
  @Column({ name: 'credential_id', type: 'text' })
  credentialId: string;

  /** The COSE public key (RFC 9052 §7), base64url. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey: string;

  /** The signature counter (WebAuthn §6.1.1), last seen; 0 for authenticators that keep none. */
  @Column({ name: 'sign_count', type: 'bigint', transformer: bigintTransformer })
  signCount: number;

  /** BE flag (WebAuthn §6.1): the credential may be synced (a multi-device credential); fixed at creation. */
  @Column({ name: 'backup_eligible', type: 'boolean' })
  backupEligible: boolean;

  /** BS flag: the credential is backed up (synced) now; updated at each sign-in. */
  @Column({ name: 'backup_state', type: 'boolean' })
  backupState: boolean;

  /** The transports the authenticator reported (`internal,hybrid`), hints for the browser. */
  @Column({ type: 'varchar', length: 255 })
  transports: string;

  /** The authenticator model's AAGUID (all zeros without attestation). */
  @Column({ type: 'varchar', length: 36 })
  aaguid: string;

  /** The attestation statement format verified at registration (`none`, `packed`, …). */
  @Column({ name: 'attestation_format', type: 'varchar', length: 32 })
  attestationFormat: string;
}
