import { Column, Entity } from 'typeorm';
import { UuidColumn, UuidPrimaryColumn } from '../common/database/columns';

/**
 * A local user linked to a directory entry by the entry's stable identifier (never its DN, which
 * changes when the entry is moved or renamed).
 */
@Entity('federated_users')
export class FederatedUserEntity {
  @UuidPrimaryColumn('user_id')
  userId: string;

  @UuidColumn('directory_id')
  directoryId: string;

  /** entryUUID as text, or objectGUID as lower-case hex. */
  @Column({ name: 'external_id', type: 'varchar', length: 128 })
  externalId: string;
}
