import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { batchedLookup } from '../database/rows/batched-lookup';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { SettingsEntity } from './settings.entity';

/** Every statement on the settings table (one row per scope of settings; today only the global one). */
export abstract class SettingsRepository {
  /** The row, read outside any unit of work; concurrent reads share one query. */
  abstract find(id: string): Promise<SettingsEntity | null>;
  /** Inserts the row unless one with its id exists already (another instance may seed it at once). */
  abstract insertIfAbsent(row: SettingsEntity): Promise<void>;
  /** Changes the row in the current unit of work when there is one. */
  abstract update(id: string, changes: Partial<SettingsEntity>): Promise<void>;
}

@Injectable()
export class TypeOrmSettingsRepository implements SettingsRepository {
  private readonly byId: (id: string) => Promise<SettingsEntity | null>;

  constructor(@InjectRepository(SettingsEntity) private readonly repository: Repository<SettingsEntity>) {
    // Without Redis the settings cache is off and every token request reads this row: one query serves many.
    this.byId = batchedLookup(repository, 'id');
  }

  find(id: string): Promise<SettingsEntity | null> {
    return this.byId(id);
  }

  async insertIfAbsent(row: SettingsEntity): Promise<void> {
    if (await this.repository.existsBy({ id: row.id })) return;
    await this.repository.createQueryBuilder().insert().values(row).orIgnore().execute();
  }

  async update(id: string, changes: Partial<SettingsEntity>): Promise<void> {
    await transactional(this.repository).update({ id }, changes);
  }
}
