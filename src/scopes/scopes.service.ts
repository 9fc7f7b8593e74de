import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { nowSeconds } from '../common/time';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { ScopeEntity } from './scope.entity';

/** What a consent page lists: the scope and, when catalogued, its description. */
export interface DescribedScope {
  readonly name: string;
  readonly description?: string;
}

@Injectable()
export class ScopesService {
  constructor(@InjectRepository(ScopeEntity) private readonly repository: Repository<ScopeEntity>) {}

  /** Each scope with its catalogue description, in the order given. */
  async describe(names: readonly string[]): Promise<DescribedScope[]> {
    const found = names.length > 0 ? await this.repository.findBy({ name: In([...names]) }) : [];
    const descriptions = new Map(found.map((s) => [s.name, s.description]));
    return names.map((name) => ({ name, description: descriptions.get(name) }));
  }

  list(): Promise<ScopeEntity[]> {
    return this.repository.find({ order: { name: 'ASC' } });
  }

  get(name: string): Promise<ScopeEntity | null> {
    return this.repository.findOneBy({ name });
  }

  /** The writes below run in the caller's unit of work when there is one (the admin API's, with its audit event). */
  async create(name: string, description: string): Promise<ScopeEntity> {
    const now = nowSeconds();
    const entity = this.repository.create({ name, description, createdAt: now, updatedAt: now });
    await transactional(this.repository).insert(entity);
    return entity;
  }

  async update(name: string, description: string): Promise<void> {
    await transactional(this.repository).update({ name }, { description, updatedAt: nowSeconds() });
  }

  async delete(name: string): Promise<void> {
    await transactional(this.repository).delete({ name });
  }
}
