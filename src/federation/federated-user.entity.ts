import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A local user linked to a directory entry by the entry's stable identifier (never its DN, which
 * changes when the entry is moved or renamed).
 */
@Entity('federated_users')
export class FederatedUserEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'directory_id', type: 'varchar', length: 36 })
  directoryId: string;

  /** entryUUID as text, or objectGUID as lower-case hex. */
  @Column({ name: 'external_id', type: 'varchar', length: 128 })
  externalId: string;
}
