import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { nowSeconds } from '../common/time';
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

  /** The writes below run in `manager`, the caller's transaction (the admin API's, with its audit event). */
  async create(name: string, description: string, manager: EntityManager = this.repository.manager): Promise<ScopeEntity> {
    const now = nowSeconds();
    const entity = this.repository.create({ name, description, createdAt: now, updatedAt: now });
    await manager.insert(ScopeEntity, entity);
    return entity;
  }

  async update(name: string, description: string, manager: EntityManager = this.repository.manager): Promise<void> {
    await manager.update(ScopeEntity, { name }, { description, updatedAt: nowSeconds() });
  }

  async delete(name: string, manager: EntityManager = this.repository.manager): Promise<void> {
    await manager.delete(ScopeEntity, { name });
  }
}
