import { Injectable, OnModuleInit } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { CacheBus } from '../cache/cache-bus.service';
import { InvalidatingCache } from '../cache/invalidating-cache';
import { nowSeconds } from '../common/time';
import { afterUnitOfWork } from '../database/unit-of-work/unit-of-work';
import { SettingsEntity } from './settings.entity';
import { SettingsRepository } from './settings.repository';

export const GLOBAL_SETTINGS_ID = 'global';
const SETTINGS_TOPIC = 'settings';

export type GlobalSettings = Omit<SettingsEntity, 'id' | 'updatedAt'>;

/**
 * Global policy an admin changes at run time (PKCE, default lifetimes). Read from the database on
 * each use, so a change made on one instance is enforced by every instance on its next request.
 */
@Injectable()
export class SettingsService implements OnModuleInit {
  private readonly cache: InvalidatingCache<SettingsEntity>;

  constructor(
    private readonly repository: SettingsRepository,
    @InjectConfig('defaults') private readonly defaults: AppConfig['defaults'],
    private readonly bus: CacheBus,
  ) {
    this.cache = bus.createCache<SettingsEntity>(SETTINGS_TOPIC, 60_000, 1);
  }

  /** Seeds the row from the environment defaults on first start; later starts keep the stored values. */
  async onModuleInit(): Promise<void> {
    await this.repository.insertIfAbsent(Object.assign(new SettingsEntity(), { id: GLOBAL_SETTINGS_ID, ...this.defaults, updatedAt: nowSeconds() }));
  }

  async get(): Promise<GlobalSettings> {
    const row = await this.cache.get(GLOBAL_SETTINGS_ID, () => this.repository.findById(GLOBAL_SETTINGS_ID));
    if (!row) return { ...this.defaults };
    const { id: _id, updatedAt: _updatedAt, ...settings } = row;
    return settings;
  }

  async update(changes: Partial<GlobalSettings>): Promise<GlobalSettings> {
    await this.write(changes);
    return this.get();
  }

  /**
   * In the caller's unit of work when there is one (the admin API's or an import's); every instance
   * reads the settings again once it is over.
   */
  async write(changes: Partial<GlobalSettings>): Promise<void> {
    await this.repository.update(GLOBAL_SETTINGS_ID, { ...changes, updatedAt: nowSeconds() });
    await afterUnitOfWork(() => this.changed());
  }

  /** Every instance reads the settings again. */
  private changed(): Promise<void> {
    return this.bus.invalidate(SETTINGS_TOPIC, GLOBAL_SETTINGS_ID);
  }
}
