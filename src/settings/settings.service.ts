import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { nowSeconds } from '../common/time';
import { SettingsEntity } from './settings.entity';

export const GLOBAL_SETTINGS_ID = 'global';

export type GlobalSettings = Omit<SettingsEntity, 'id' | 'updatedAt'>;

/**
 * Global policy an admin changes at run time (PKCE, default lifetimes). Read from the database on
 * each use, so a change made on one instance is enforced by every instance on its next request.
 */
@Injectable()
export class SettingsService implements OnModuleInit {
  constructor(
    @InjectRepository(SettingsEntity) private readonly repository: Repository<SettingsEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Seeds the row from the environment defaults on first start; later starts keep the stored values. */
  async onModuleInit(): Promise<void> {
    if (await this.repository.existsBy({ id: GLOBAL_SETTINGS_ID })) return;
    await this.repository
      .createQueryBuilder()
      .insert()
      .values({ id: GLOBAL_SETTINGS_ID, ...this.config.defaults, updatedAt: nowSeconds() })
      .orIgnore()
      .execute();
  }

  async get(): Promise<GlobalSettings> {
    const row = await this.repository.findOneBy({ id: GLOBAL_SETTINGS_ID });
    if (!row) return { ...this.config.defaults };
    const { id: _id, updatedAt: _updatedAt, ...settings } = row;
    return settings;
  }

  async update(changes: Partial<GlobalSettings>): Promise<GlobalSettings> {
    await this.repository.update({ id: GLOBAL_SETTINGS_ID }, { ...changes, updatedAt: nowSeconds() });
    return this.get();
  }
}
