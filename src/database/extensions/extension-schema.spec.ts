import { Module } from '@nestjs/common';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import { loadConfig } from '../../config/app-config';
import { dataSourceOptions } from '../data-source.options';
import { withExtensionSchemas, WithSchema } from './extension-schema';

class TicketRow {}
class CreateTickets1765300000000 implements MigrationInterface {
  async up(): Promise<void> {}
  async down(): Promise<void> {}
}

@WithSchema({ entities: [TicketRow], migrations: [CreateTickets1765300000000] })
@Module({})
class TicketsModule {}

@Module({})
class PlainModule {}

describe('withExtensionSchemas', () => {
  const builtIn: DataSourceOptions = dataSourceOptions(loadConfig({ DB_TYPE: 'sqlite', DB_PATH: ':memory:' }));

  it('adds the entities and migrations extension modules declare after the built-in ones (the server and the TypeORM CLI alike)', () => {
    const options = withExtensionSchemas(builtIn, [PlainModule, TicketsModule]);
    expect(options.entities).toEqual([...(builtIn.entities as unknown[]), TicketRow]);
    expect(options.migrations).toEqual([...(builtIn.migrations as unknown[]), CreateTickets1765300000000]);
    expect(options.type).toBe(builtIn.type);
  });
});
