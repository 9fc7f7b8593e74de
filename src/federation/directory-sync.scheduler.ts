import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { nowSeconds } from '../common/time';
import { FederationRepository } from './federation.repository';
import { LdapUserDirectory } from './ldap-user-directory';

/** How often an instance looks for a directory due for its sync. */
export const SYNC_CHECK_INTERVAL_MS = 5000;

/**
 * Each directory's scheduled sync, every `sync_interval_seconds`. Every instance looks; the one
 * that moves the directory's last sync time first runs it, so one sync runs per period.
 */
@Injectable()
export class DirectorySyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DirectorySync');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly repository: FederationRepository,
    private readonly ldap: LdapUserDirectory,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runDue(), SYNC_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Syncs the directories whose time has come; a failure is logged and retried at the next period. */
  async runDue(now = nowSeconds()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const directory of await this.repository.listDirectories()) {
        if (!directory.enabled || directory.syncIntervalSeconds === 0 || directory.lastSyncAt + directory.syncIntervalSeconds > now) continue;
        if (!(await this.repository.claimSync(directory.id, directory.lastSyncAt, now))) continue;
        const result = await this.ldap.sync(directory);
        if (result.disabled > 0) this.logger.log(`directory ${directory.id}: ${result.disabled} user(s) disabled`);
      }
    } catch (error) {
      this.logger.warn(`scheduled directory sync failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
