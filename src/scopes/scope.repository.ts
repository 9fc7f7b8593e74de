import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { ScopeEntity } from './scope.entity';

/** Every statement on the scope catalogue. Writes join the current unit of work when there is one. */
export abstract class ScopeRepository {
  /** The catalogued scopes among `names`, in no particular order. */
  abstract findByNames(names: readonly string[]): Promise<ScopeEntity[]>;
  /** Every catalogued scope, by name. */
  abstract list(): Promise<ScopeEntity[]>;
  abstract get(name: string): Promise<ScopeEntity | null>;
  abstract insert(scope: ScopeEntity): Promise<void>;
  abstract updateDescription(name: string, description: string, updatedAt: number): Promise<void>;
  abstract delete(name: string): Promise<void>;
}

@Injectable()
export class TypeOrmScopeRepository implements ScopeRepository {
  constructor(@InjectRepository(ScopeEntity) private readonly repository: Repository<ScopeEntity>) {}

  findByNames(names: readonly string[]): Promise<ScopeEntity[]> {
    return names.length === 0 ? Promise.resolve([]) : this.repository.findBy({ name: In([...names]) });
  }

  list(): Promise<ScopeEntity[]> {
    return this.repository.find({ order: { name: 'ASC' } });
  }

  get(name: string): Promise<ScopeEntity | null> {
    return this.repository.findOneBy({ name });
  }

  async insert(scope: ScopeEntity): Promise<void> {
    await transactional(this.repository).insert(scope);
  }

  async updateDescription(name: string, description: string, updatedAt: number): Promise<void> {
    await transactional(this.repository).update({ name }, { description, updatedAt });
  }

  async delete(name: string): Promise<void> {
    await transactional(this.repository).delete({ name });
  }
}
