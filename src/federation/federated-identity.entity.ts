import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

/** A local user's account at an upstream provider: its `sub` there (OpenID Connect Core §2: unique per issuer). */
@Entity('federated_identities')
@Index('UQ_federated_identities_provider_subject', ['providerId', 'subject'], { unique: true })
export class FederatedIdentityEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'provider_id', type: 'varchar', length: 36 })
  providerId: string;

  @Column({ type: 'varchar', length: 255 })
  subject: string;

  @Index('IDX_federated_identities_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /** How the link was made: `provisioned`, `verified_email` or `admin`. */
  @Column({ name: 'linked_by', type: 'varchar', length: 32 })
  linkedBy: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;
}
