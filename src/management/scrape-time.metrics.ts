import { Injectable, OnModuleInit } from '@nestjs/common';
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
    this.metrics.gauge('oauth_audit_queue_depth', 'Audit events waiting for a batched INSERT to take them', [], (gauge) => gauge.set(this.audit.queueDepth));
    if (this.database.pooled) this.poolGauges();
    this.metrics.gauge(
      'oauth_dependency_up',
      'Whether this instance reaches a dependency it needs (database; redis when configured): 1 up, 0 down',
      ['dependency'],
      async (gauge) => {
        for (const [dependency, status] of Object.entries((await this.health.readiness()).checks)) gauge.set({ dependency }, status === 'up' ? 1 : 0);
      },
    );
  }

  private poolGauges(): void {
    this.metrics.gauge('oauth_db_pool_connections', 'Database pool connections, in use and idle', ['state'], (gauge) => {
      const { connections, idle } = this.database.pool();
      gauge.set({ state: 'in_use' }, connections - idle);
      gauge.set({ state: 'idle' }, idle);
    });
    this.metrics.gauge('oauth_db_pool_waiting', 'Requests waiting for a database connection', [], (gauge) => gauge.set(this.database.pool().waiting));
  }
}
