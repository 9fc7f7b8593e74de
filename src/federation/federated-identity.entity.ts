import { Column, Entity, Index } from 'typeorm';
import { EpochColumn, UuidColumn, UuidPrimaryColumn } from '../common/database/columns';

/** A local user's account at an upstream provider: its `sub` there (OpenID Connect Core §2: unique per issuer). */
@Entity('federated_identities')
@Index('UQ_federated_identities_provider_subject', ['providerId', 'subject'], { unique: true })
export class FederatedIdentityEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn('provider_id')
  providerId: string;

  @Column({ type: 'varchar', length: 255 })
  subject: string;

  @Index('IDX_federated_identities_user_id')
  @UuidColumn('user_id')
  userId: string;

  /** How the link was made: `provisioned`, `verified_email` or `admin`. */
  @Column({ name: 'linked_by', type: 'varchar', length: 32 })
  linkedBy: string;

  @EpochColumn('created_at')
  createdAt: number;
}
