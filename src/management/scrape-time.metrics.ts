import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AuditService } from '../audit/audit.service';
import { DatabaseStatus } from '../database/unit-of-work/database-status';
import { MetricsService } from '../metrics/metrics.service';

/**
 * Gauges read at scrape time (nothing on the request path): the audit queue, and the pool's
 * connections in use and idle and requests waiting for one (exhausted when that stays above 0).
 * SQLite has one connection and no pool: no pool gauges.
 */
@Injectable()
export class ScrapeTimeMetrics implements OnModuleInit {
  constructor(
    private readonly database: DatabaseStatus,
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
    if (this.database.pooled) this.poolGauges();
  }

  private poolGauges(): void {
    const database = this.database;
    new Gauge({
      name: 'oauth_db_pool_connections',
      help: 'Database pool connections, in use and idle',
      labelNames: ['state'] as const,
      registers: [this.metrics.registry],
      collect() {
        const { connections, idle } = database.pool();
        this.set({ state: 'in_use' }, connections - idle);
        this.set({ state: 'idle' }, idle);
      },
    });
    new Gauge({
      name: 'oauth_db_pool_waiting',
      help: 'Requests waiting for a database connection',
      registers: [this.metrics.registry],
      collect() {
        this.set(database.pool().waiting);
      },
    });
  }
}
