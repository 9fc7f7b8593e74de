import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What a connection pool reports: connections open, idle among them, and requests waiting for one. */
export interface PoolState {
  readonly connections: number;
  readonly idle: number;
  readonly waiting: number;
}

/** The parts of mysql2's pool read here (not in its typings; stable across mysql2 2.x and 3.x). */
interface Mysql2PoolState {
  readonly _allConnections?: { length: number };
  readonly _freeConnections?: { length: number };
  readonly _connectionQueue?: { length: number };
}

/** The database's state for the readiness probe and the metrics, so that they need no DataSource of their own. */
@Injectable()
export class DatabaseStatus {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Resolves once the database has answered a trivial query. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** True when the database has a pool to report on (MySQL); SQLite has one connection and no pool. */
  get pooled(): boolean {
    return this.dataSource.options.type === 'mysql';
  }

  /** The pool's state now (all zero when there is no pool). */
  pool(): PoolState {
    const pool = (this.dataSource.driver as unknown as { pool?: Mysql2PoolState }).pool;
    const connections = pool?._allConnections?.length ?? 0;
    return { connections, idle: pool?._freeConnections?.length ?? 0, waiting: pool?._connectionQueue?.length ?? 0 };
  }
}
