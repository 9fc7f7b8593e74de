import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { dialectOf } from '../database/dialects';
import type { PoolState } from '../database/dialects/dialect';
import { MetricsService } from '../metrics/metrics.service';

/**
 * Gauges read at scrape time (nothing on the request path): the audit queue, and the pool's
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
    const { poolState } = dialectOf(this.dataSource);
    if (poolState) this.poolGauges(() => poolState(this.dataSource));
  }

  private poolGauges(pool: () => PoolState | undefined): void {
    new Gauge({
      name: 'oauth_db_pool_connections',
      help: 'Database pool connections, in use and idle',
      labelNames: ['state'] as const,
      registers: [this.metrics.registry],
      collect() {
        const state = pool();
        this.set({ state: 'in_use' }, state?.inUse ?? 0);
        this.set({ state: 'idle' }, state?.idle ?? 0);
      },
    });
    new Gauge({
      name: 'oauth_db_pool_waiting',
      help: 'Requests waiting for a database connection',
      registers: [this.metrics.registry],
      collect() {
        this.set(pool()?.waiting ?? 0);
      },
    });
  }
}
