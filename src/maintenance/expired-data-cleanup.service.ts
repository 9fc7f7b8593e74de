import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discoverUnique } from '../common/registry/discover-unique';
import { type ExpiringTable, ExpiringTableProvider } from '../database/extensions/expiring-table';
import { DatabaseStatus } from '../database/unit-of-work/database-status';
import { nowSeconds } from '../common/time';
import { type AppConfig, ConfigError } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { ExpiredRowsRepository } from './expired-rows.repository';
import { LoginSessionEntity } from '../authorize/login-session.entity';
import { EXPIRING_PUSHED_REQUESTS } from '../authorize/par/pushed-authorization-requests';
import { AccessTokenEntity } from '../tokens/entities/access-token.entity';
import { AuthorizationCodeEntity } from '../tokens/entities/authorization-code.entity';
import { RefreshTokenEntity } from '../tokens/entities/refresh-token.entity';
import { TokenRevocationEntity } from '../tokens/entities/token-revocation.entity';

/** The server's own expiring tables; modules outside src/ register theirs (@ExpiringTableProvider). */
const BUILT_IN: readonly ExpiringTable[] = [
  { table: 'authorization_codes', entity: AuthorizationCodeEntity, expiresAt: 'expiresAt' },
  { table: 'access_tokens', entity: AccessTokenEntity, expiresAt: 'expiresAt' },
  { table: 'refresh_tokens', entity: RefreshTokenEntity, expiresAt: 'expiresAt' },
  { table: 'login_sessions', entity: LoginSessionEntity, expiresAt: 'expiresAt' },
  EXPIRING_PUSHED_REQUESTS,
  { table: 'token_revocations', entity: TokenRevocationEntity, expiresAt: 'expiresAt' },
];

/**
 * Deletes expired codes, tokens and sessions on a timer, in small batches by primary key so that
 * no statement holds long locks. Every instance may run it: the deletes are idempotent.
 */
@Injectable()
export class ExpiredDataCleanupService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ExpiredDataCleanup');
  private timer?: NodeJS.Timeout;
  private running = false;
  private tables: readonly ExpiringTable[] = BUILT_IN;

  constructor(
    private readonly database: DatabaseStatus,
    private readonly expiredRows: ExpiredRowsRepository,
    @InjectConfig('cleanup') private readonly cleanup: AppConfig['cleanup'],
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    const registered = discoverUnique<ExpiringTable>(this.discovery, ExpiringTableProvider, 'expiring tables', (t) => t.table);
    const clash = BUILT_IN.find((t) => registered.has(t.table));
    if (clash) throw new Error(`Two expiring tables registered for ${clash.table}`);
    for (const { table, entity, expiresAt } of registered.values()) {
      const problem = this.database.expiringTableProblem(table, entity, expiresAt);
      if (problem) throw new ConfigError(`Cannot start: the expiring table ${table} is registered wrongly: ${problem}`);
    }
    this.tables = [...BUILT_IN, ...registered.values()];
  }

  onApplicationBootstrap(): void {
    const { intervalSeconds } = this.cleanup;
    if (intervalSeconds === 0) return;
    this.timer = setInterval(() => void this.tick(), intervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; returns how many rows each table lost. */
  async runOnce(now = nowSeconds()): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    const { batchSize } = this.cleanup;
    for (const table of this.tables) {
      deleted[table.table] = 0;
      for (;;) {
        const count = await this.expiredRows.deleteExpired(table, now, batchSize);
        deleted[table.table] += count;
        if (count < batchSize) break;
      }
    }
    return deleted;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const deleted = await this.runOnce();
      if (Object.values(deleted).some((n) => n > 0)) this.logger.log(`deleted expired rows: ${JSON.stringify(deleted)}`);
    } catch (error) {
      this.logger.warn(`cleanup failed, will retry: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
