import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { MetricsService } from '../metrics/metrics.service';

/** The parts of mysql2's pool read here (not in its typings; stable across mysql2 2.x and 3.x). */
interface Mysql2PoolState {
  readonly _allConnections?: { length: number };
  readonly _freeConnections?: { length: number };
  readonly _connectionQueue?: { length: number };
}

/**
 * Gauges read at scrape time (nothing on the request path): the audit queue, and the MySQL pool's
 * connections in use and idle and requests waiting for one (exhausted when that stays above 0).
 * SQLite has one connection and no pool: no pool gauges.
 */
@Injectable()
export class ScrapeTimeMetrics implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    if (!this.metrics.enabled) return;
    const audit = this.audit;
    new Gauge({
      name: 'oauth_audit_queue_depth',
      help: 'Audit events waiting for a batched INSERT to take them',
      registers: [this.metrics.registry],
      collect() {
        this.set(audit.queueDepth);
      },
    });
    if (this.dataSource.options.type === 'mysql') this.poolGauges();
  }

  private poolGauges(): void {
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
