import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochColumn } from '../common/database/columns';

/** A scope with the words the consent page shows for it. */
@Entity('scopes')
export class ScopeEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 500 })
  description: string;

  @EpochColumn('created_at')
  createdAt: number;

  @EpochColumn('updated_at')
  updatedAt: number;
}
