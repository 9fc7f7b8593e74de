import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AuditService } from '../audit/audit.service';
import { DatabaseStatus } from '../database/unit-of-work/database-status';
import { HealthService } from '../health/health.service';
import { MetricsService } from '../metrics/metrics.service';

/**
 * Gauges read at scrape time (nothing on the request path): the audit queue, the pool's
 * connections in use and idle and requests waiting for one (exhausted when that stays above 0),
 * and whether each dependency answers (what /health/ready says, per instance, for alerts).
 * SQLite has one connection and no pool: no pool gauges.
 */
@Injectable()
export class ScrapeTimeMetrics implements OnModuleInit {
  constructor(
    private readonly database: DatabaseStatus,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly health: HealthService,
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
    const health = this.health;
    new Gauge({
      name: 'oauth_dependency_up',
      help: 'Whether this instance reaches a dependency it needs (database; redis when configured): 1 up, 0 down',
      labelNames: ['dependency'] as const,
      registers: [this.metrics.registry],
      async collect() {
        for (const [dependency, status] of Object.entries((await health.readiness()).checks)) this.set({ dependency }, status === 'up' ? 1 : 0);
      },
    });
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
