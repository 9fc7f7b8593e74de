import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service';

/** The parts of mysql2's pool read here (not in its typings; stable across mysql2 2.x and 3.x). */
interface Mysql2PoolState {
  readonly _allConnections?: { length: number };
  readonly _freeConnections?: { length: number };
  readonly _connectionQueue?: { length: number };
}

/**
 * MySQL connection pool gauges, read at scrape time (nothing on the request path): connections in
 * use and idle, and requests waiting for one (the pool is exhausted when that stays above 0).
 * SQLite has one connection and no pool: no gauges.
 */
@Injectable()
export class DatabasePoolMetrics implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    if (!this.metrics.enabled || this.dataSource.options.type !== 'mysql') return;
    const pool = () => (this.dataSource.driver as unknown as { pool?: Mysql2PoolState }).pool;
    new Gauge({
      name: 'oauth_db_pool_connections',
      help: 'Database pool connections, in use and idle',
      labelNames: ['state'] as const,
      registers: [this.metrics.registry],
      collect() {
        const all = pool()?._allConnections?.length ?? 0;
        const idle = pool()?._freeConnections?.length ?? 0;
        this.set({ state: 'in_use' }, all - idle);
        this.set({ state: 'idle' }, idle);
      },
    });
    new Gauge({
      name: 'oauth_db_pool_waiting',
      help: 'Requests waiting for a database connection',
      registers: [this.metrics.registry],
      collect() {
        this.set(pool()?._connectionQueue?.length ?? 0);
      },
    });
  }
}
