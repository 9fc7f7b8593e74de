import type { FindOptionsWhere, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { transactional } from './unit-of-work';
import { batchedLookup } from '../rows/batched-lookup';

/**
 * The statements of a table keyed by an `id` column that its repository would otherwise write
 * out again: a batched lookup by id, and insert, update and delete in the current unit of work
 * when there is one.
 */
export abstract class RowsById<E extends { id: string }> {
  private readonly byId: (id: string) => Promise<E | null>;

  protected constructor(protected readonly repository: Repository<E>) {
    this.byId = batchedLookup(repository, 'id');
  }

  /** Concurrent lookups share one query, read outside any unit of work. */
  findById(id: string): Promise<E | null> {
    return this.byId(id);
  }

  async insert(row: E): Promise<void> {
    await transactional(this.repository).insert(row as QueryDeepPartialEntity<E>);
  }

  async update(id: string, changes: Partial<E>): Promise<void> {
    await transactional(this.repository).update({ id } as FindOptionsWhere<E>, changes as QueryDeepPartialEntity<E>);
  }

  async delete(id: string): Promise<void> {
    await transactional(this.repository).delete({ id } as FindOptionsWhere<E>);
  }
}
