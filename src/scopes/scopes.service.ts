import { Injectable } from '@nestjs/common';
import { nowSeconds } from '../common/time';
import { ScopeEntity } from './scope.entity';
import { ScopeRepository } from './scope.repository';

/** What a consent page lists: the scope and, when catalogued, its description. */
export interface DescribedScope {
  readonly name: string;
  readonly description?: string;
}

@Injectable()
export class ScopesService {
  constructor(private readonly repository: ScopeRepository) {}

  /** Each scope with its catalogue description, in the order given. */
  async describe(names: readonly string[]): Promise<DescribedScope[]> {
    const found = await this.repository.findByNames(names);
    const descriptions = new Map(found.map((s) => [s.name, s.description]));
    return names.map((name) => ({ name, description: descriptions.get(name) }));
  }

  list(): Promise<ScopeEntity[]> {
    return this.repository.list();
  }

  get(name: string): Promise<ScopeEntity | null> {
    return this.repository.get(name);
  }

  /** The writes below run in the caller's unit of work when there is one (the admin API's, with its audit event). */
  async create(name: string, description: string): Promise<ScopeEntity> {
    const now = nowSeconds();
    const entity = Object.assign(new ScopeEntity(), { name, description, createdAt: now, updatedAt: now });
    await this.repository.insert(entity);
    return entity;
  }

  async update(name: string, description: string): Promise<void> {
    await this.repository.updateDescription(name, description, nowSeconds());
  }

  async delete(name: string): Promise<void> {
    await this.repository.delete(name);
  }
}
