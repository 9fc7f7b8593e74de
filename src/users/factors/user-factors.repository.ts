import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { transactional } from '../../database/unit-of-work/unit-of-work';
import { FactorRequirementEntity } from './factor-requirement.entity';
import { UserFactorEntity } from './user-factor.entity';

/** Every statement on the user_factors table; SignInFactorsService keeps the rules. */
export abstract class UserFactorsRepository {
  abstract listForUser(userId: string): Promise<UserFactorEntity[]>;
  abstract insert(rows: readonly UserFactorEntity[]): Promise<void>;
  /** Spends an unspent single-use factor; true for the one caller that spent it. */
  abstract spend(id: string, now: number): Promise<boolean>;
  abstract touch(id: string, now: number): Promise<void>;
  /** Renames one factor of a user of the given type; true when there was one. */
  abstract rename(userId: string, id: string, type: string, name: string): Promise<boolean>;
  /** Deletes one factor of a user; true when there was one. */
  abstract delete(userId: string, id: string): Promise<boolean>;
  abstract deleteOfType(userId: string, type: string): Promise<void>;
  abstract deleteForUser(userId: string): Promise<void>;
  /** Whether an administrator requires the user to have a second factor. */
  abstract enrolmentRequired(userId: string): Promise<boolean>;
  /** Records the requirement; false when it was there already. */
  abstract requireEnrolment(row: FactorRequirementEntity): Promise<boolean>;
  /** Clears the requirement; false when there was none. */
  abstract clearEnrolmentRequirement(userId: string): Promise<boolean>;
}

@Injectable()
export class TypeOrmUserFactorsRepository implements UserFactorsRepository {
  constructor(
    @InjectRepository(UserFactorEntity) private readonly repository: Repository<UserFactorEntity>,
    @InjectRepository(FactorRequirementEntity) private readonly requirements: Repository<FactorRequirementEntity>,
  ) {}

  listForUser(userId: string): Promise<UserFactorEntity[]> {
    return transactional(this.repository).find({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async insert(rows: readonly UserFactorEntity[]): Promise<void> {
    if (rows.length > 0) await transactional(this.repository).insert([...rows]);
  }

  async spend(id: string, now: number): Promise<boolean> {
    // Single use, race-free: only the statement that changed the row spent it.
    const result = await transactional(this.repository).update({ id, spentAt: IsNull() }, { spentAt: now, lastUsedAt: now });
    return result.affected === 1;
  }

  async touch(id: string, now: number): Promise<void> {
    await transactional(this.repository).update({ id }, { lastUsedAt: now });
  }

  async rename(userId: string, id: string, type: string, name: string): Promise<boolean> {
    const result = await transactional(this.repository).update({ userId, id, type }, { name });
    return result.affected === 1;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await transactional(this.repository).delete({ userId, id });
    return (result.affected ?? 0) > 0;
  }

  async deleteOfType(userId: string, type: string): Promise<void> {
    await transactional(this.repository).delete({ userId, type });
  }

  async deleteForUser(userId: string): Promise<void> {
    await transactional(this.repository).delete({ userId });
  }

  async enrolmentRequired(userId: string): Promise<boolean> {
    return (await transactional(this.requirements).countBy({ userId })) > 0;
  }

  async requireEnrolment(row: FactorRequirementEntity): Promise<boolean> {
    // Idempotent on every dialect without an upsert: the primary key refuses a second row.
    const repository = transactional(this.requirements);
    if ((await repository.countBy({ userId: row.userId })) > 0) return false;
    await repository.insert(row);
    return true;
  }

  async clearEnrolmentRequirement(userId: string): Promise<boolean> {
    const result = await transactional(this.requirements).delete({ userId });
    return (result.affected ?? 0) > 0;
  }
}
