import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../../common/database/bigint.transformer';

/**
 * An administrator requires a user to have a second factor, whatever the applications' policy: at
 * their next sign-in the user enrols one right after the password. One row per user; deleting it
 * clears the requirement.
 */
@Entity('user_factor_requirements')
export class FactorRequirementEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'required_at', type: 'bigint', transformer: bigintTransformer })
  requiredAt: number;

  /** The administrator who required it. */
  @Column({ name: 'required_by', type: 'varchar', length: 36, nullable: true })
  requiredBy: string | null;
}
