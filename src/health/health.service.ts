import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { DatabaseStatus } from '../database/unit-of-work/database-status';
import { ThrottleService } from '../security/throttle.service';

export type DependencyStatus = 'up' | 'down';

export interface Readiness {
  readonly status: 'ok' | 'unavailable';
  /** Each dependency this instance needs: the database always, Redis when REDIS_URL is set. */
  readonly checks: Readonly<Record<string, DependencyStatus>>;
}

/** A dependency that stops answering must not make the probe hang. */
const CHECK_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  private readonly checks: Readonly<Record<string, () => Promise<unknown>>>;

  constructor(database: DatabaseStatus, throttle: ThrottleService, @InjectConfig('redis') redis: AppConfig['redis']) {
    this.checks = {
      database: () => database.ping(),
      // Redis holds the lockout and rate-limit counters: without it they fail by policy, so say so.
      ...(redis ? { redis: () => throttle.checkStore() } : {}),
    };
  }

  async readiness(): Promise<Readiness> {
    const results = await Promise.all(Object.entries(this.checks).map(async ([name, check]) => [name, await statusOf(check)] as const));
    return { status: results.every(([, status]) => status === 'up') ? 'ok' : 'unavailable', checks: Object.fromEntries(results) };
  }
}

async function statusOf(check: () => Promise<unknown>): Promise<DependencyStatus> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
