import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { nowSeconds } from '../common/time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LoginSessionEntity } from '../authorize/login-session.entity';
import { AccessTokenEntity } from '../tokens/entities/access-token.entity';
import { AuthorizationCodeEntity } from '../tokens/entities/authorization-code.entity';
import { RefreshTokenEntity } from '../tokens/entities/refresh-token.entity';

/** A table of rows that expire (only the two columns read here). */
type Expiring = Repository<{ id: string; expiresAt: number }>;

/** The entities whose expired rows go (MaintenanceModule registers their repositories). */
export const EXPIRING_ENTITIES = [AuthorizationCodeEntity, AccessTokenEntity, RefreshTokenEntity, LoginSessionEntity];

/**
 * Deletes expired codes, tokens and sessions on a timer, in small batches by primary key so that
 * no statement holds long locks. Every instance may run it: the deletes are idempotent.
 */
@Injectable()
export class ExpiredDataCleanupService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ExpiredDataCleanup');
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly expiring: ReadonlyArray<readonly [string, Expiring]>;

  constructor(
    @InjectRepository(AuthorizationCodeEntity) codes: Expiring,
    @InjectRepository(AccessTokenEntity) accessTokens: Expiring,
    @InjectRepository(RefreshTokenEntity) refreshTokens: Expiring,
    @InjectRepository(LoginSessionEntity) sessions: Expiring,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.expiring = [
      ['authorization_codes', codes],
      ['access_tokens', accessTokens],
      ['refresh_tokens', refreshTokens],
      ['login_sessions', sessions],
    ];
  }

  onApplicationBootstrap(): void {
    const { intervalSeconds } = this.config.cleanup;
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
    for (const [table, repository] of this.expiring) {
      deleted[table] = 0;
      for (;;) {
        const batch = await repository.find({
          select: { id: true },
          where: { expiresAt: LessThan(now) },
          take: this.config.cleanup.batchSize,
        });
        if (batch.length === 0) break;
        await repository.delete({ id: In(batch.map((row) => row.id)) });
        deleted[table] += batch.length;
        if (batch.length < this.config.cleanup.batchSize) break;
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
