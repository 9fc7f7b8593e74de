import { Entity } from 'typeorm';
import { EpochColumn, UuidColumn, UuidPrimaryColumn } from '../../common/database/columns';

/**
 * An administrator requires a user to have a second factor, whatever the applications' policy: at
 * their next sign-in the user enrols one right after the password. One row per user; deleting it
 * clears the requirement.
 */
@Entity('user_factor_requirements')
export class FactorRequirementEntity {
  @UuidPrimaryColumn('user_id')
  userId: string;

  @EpochColumn('required_at')
  requiredAt: number;

  /** The administrator who required it. */
  @UuidColumn('required_by', { nullable: true })
  requiredBy: string | null;
}
