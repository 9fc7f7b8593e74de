import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { dialectOf } from '../dialects';

/** What a connection pool reports: connections open, idle among them, and requests waiting for one. */
export interface PoolState {
  readonly connections: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * The database's state for the readiness probe and the metrics, and the repository of an entity
 * known only at run time (the janitor's registered tables), so that none of them needs a
 * DataSource of its own.
 */
@Injectable()
export class DatabaseStatus {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Resolves once the database has answered a trivial query. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** True when the database has a pool to report on (MySQL, PostgreSQL); SQLite has one connection. */
  get pooled(): boolean {
    return dialectOf(this.dataSource).poolState !== undefined;
  }

  /** The pool's state now (all zero when there is no pool). */
  pool(): PoolState {
    const state = dialectOf(this.dataSource).poolState?.(this.dataSource);
    const inUse = state?.inUse ?? 0;
    const idle = state?.idle ?? 0;
    return { connections: inUse + idle, idle, waiting: state?.waiting ?? 0 };
  }

  /** The repository of an entity registered at run time (outside any unit of work). */
  /**
   * Why `entity` cannot be the expiring table `table` with the expiry property `expiresAt` and a
   * primary key `id`, or null: an entity the DataSource does not know, another table, a property
   * that is no column.
   */
  expiringTableProblem(table: string, entity: EntityTarget<ObjectLiteral>, expiresAt: string): string | null {
    if (!this.dataSource.hasMetadata(entity)) return "its entity is not one the database knows (list it in the module's @WithSchema entities)";
    const metadata = this.dataSource.getMetadata(entity);
    if (metadata.tableName !== table) return `its entity ${metadata.name} maps the table ${metadata.tableName}`;
    for (const property of ['id', expiresAt]) {
      if (!metadata.findColumnWithPropertyName(property)) return `its entity ${metadata.name} has no column for the property ${property}`;
    }
    return null;
  }

  repositoryOf<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.dataSource.getRepository(entity);
  }
}
