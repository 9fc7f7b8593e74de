import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RowsById } from '../database/unit-of-work/rows-by-id';
import { SettingsEntity } from './settings.entity';

/** Every statement on the settings table (one row per scope of settings; today only the global one). */
export abstract class SettingsRepository {
  /** The row, read outside any unit of work; concurrent reads share one query. */
  abstract findById(id: string): Promise<SettingsEntity | null>;
  /** Inserts the row unless one with its id exists already (another instance may seed it at once). */
  abstract insertIfAbsent(row: SettingsEntity): Promise<void>;
  /** Changes the row in the current unit of work when there is one. */
  abstract update(id: string, changes: Partial<SettingsEntity>): Promise<void>;
}

@Injectable()
export class TypeOrmSettingsRepository extends RowsById<SettingsEntity> implements SettingsRepository {
  // Without Redis the settings cache is off and every token request reads this row: findById batches.
  constructor(@InjectRepository(SettingsEntity) repository: Repository<SettingsEntity>) {
    super(repository);
  }

  async insertIfAbsent(row: SettingsEntity): Promise<void> {
    if (await this.repository.existsBy({ id: row.id })) return;
    await this.repository.createQueryBuilder().insert().values(row).orIgnore().execute();
  }
}
