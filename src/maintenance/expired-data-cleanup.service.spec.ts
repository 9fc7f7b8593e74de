import { Module, type Type } from '@nestjs/common';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ConfigError, loadConfig } from '../config/app-config';
import { configToken } from '../config/config.module';
import { type ExpiringTable, expiringTable } from '../database/extensions/expiring-table';
import { DatabaseStatus } from '../database/unit-of-work/database-status';
import { AccessTokenEntity } from '../tokens/entities/access-token.entity';
import { ExpiredDataCleanupService } from './expired-data-cleanup.service';
import { ExpiredRowsRepository, TypeOrmExpiredRowsRepository } from './expired-rows.repository';

@Entity('example_tickets')
class TicketRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'expires_at', type: 'bigint' })
  expiresAt: number;
}

describe('ExpiredDataCleanupService', () => {
  let dataSource: DataSource;
  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [TicketRow], synchronize: true }).initialize();
  });
  afterAll(() => dataSource.destroy());

  /** The TypeORM repository for the example table; the built-in tables are not in this database, so none of theirs expired. */
  class ExampleTableOnly implements ExpiredRowsRepository {
    private readonly typeorm = new TypeOrmExpiredRowsRepository(new DatabaseStatus(dataSource));
    deleteExpired(table: ExpiringTable, now: number, limit: number): Promise<number> {
      return table.table === 'example_tickets' ? this.typeorm.deleteExpired(table, now, limit) : Promise.resolve(0);
    }
  }

  async function boot(table: Type, env: Record<string, string> = {}): Promise<ExpiredDataCleanupService> {
    @Module({
      imports: [DiscoveryModule],
      providers: [
        ExpiredDataCleanupService,
        table,
        { provide: DatabaseStatus, useValue: new DatabaseStatus(dataSource) },
        { provide: ExpiredRowsRepository, useClass: ExampleTableOnly },
        { provide: configToken('cleanup'), useValue: loadConfig({ CLEANUP_INTERVAL_SECONDS: '0', ...env }).cleanup },
      ],
    })
    class TestModule {}
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    await moduleRef.init();
    await moduleRef.close();
    return moduleRef.get(ExpiredDataCleanupService);
  }

  it('refuses to boot, in one line, when a registered table names a property that is no column, or another table than its entity', async () => {
    await expect(boot(expiringTable({ table: 'example_tickets', entity: TicketRow, expiresAt: 'expires_at' }))).rejects.toThrow(
      new ConfigError('Cannot start: the expiring table example_tickets is registered wrongly: its entity TicketRow has no column for the property expires_at'),
    );
    await expect(boot(expiringTable({ table: 'tickets', entity: TicketRow, expiresAt: 'expiresAt' }))).rejects.toThrow(
      'Cannot start: the expiring table tickets is registered wrongly: its entity TicketRow maps the table example_tickets',
    );
    await expect(boot(expiringTable({ table: 'tickets', entity: TicketRow, expiresAt: 'expiresAt' }))).rejects.toBeInstanceOf(ConfigError);
  });

  it('boots with a table registered as its entity maps it', async () => {
    await expect(boot(expiringTable({ table: 'example_tickets', entity: TicketRow, expiresAt: 'expiresAt' }))).resolves.toBeInstanceOf(
      ExpiredDataCleanupService,
    );
  });

  it('deletes the expired rows of a registered table in batches, and nothing that has not expired', async () => {
    const tickets = dataSource.getRepository(TicketRow);
    const rows = Array.from({ length: 7 }, (_, i) => ({ id: `t${i}`, expiresAt: i < 5 ? 100 : 300 }));
    await tickets.insert(rows);
    const janitor = await boot(expiringTable({ table: 'example_tickets', entity: TicketRow, expiresAt: 'expiresAt' }), { CLEANUP_BATCH_SIZE: '2' });
    const deleted = await janitor.runOnce(200);
    expect(deleted.example_tickets).toBe(5);
    expect((await tickets.find({ order: { id: 'ASC' } })).map((row) => row.id)).toEqual(['t5', 't6']);
  });

  it('refuses to boot when a module registers a table the janitor already empties', async () => {
    @Module({
      imports: [DiscoveryModule],
      providers: [
        ExpiredDataCleanupService,
        expiringTable({ table: 'access_tokens', entity: AccessTokenEntity, expiresAt: 'expiresAt' }),
        { provide: DatabaseStatus, useValue: {} },
        { provide: ExpiredRowsRepository, useValue: {} },
        { provide: configToken('cleanup'), useValue: loadConfig({}).cleanup },
      ],
    })
    class TestModule {}
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    await expect(moduleRef.init()).rejects.toThrow('Two expiring tables registered for access_tokens');
  });
});
