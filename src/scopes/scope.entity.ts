import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

/** A scope with the words the consent page shows for it. */
@Entity('scopes')
export class ScopeEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 500 })
  description: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;
}
