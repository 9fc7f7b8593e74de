import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { dialectOf } from '../dialects';
import * as column from './columns';

/** Resource servers (RFC 8707 resource indicators) and JWT access tokens (RFC 9068). */
export class ResourceServers1764500000000 implements MigrationInterface {
  name = 'ResourceServers1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'resource_servers',
        columns: [
          column.id(),
          column.varchar('identifier', 255),
          column.varchar('name', 255),
          column.text('scope'),
          column.varchar('access_token_format', 8),
          column.int('access_token_ttl', { isNullable: true }),
          ...column.timestamps(),
        ],
        indices: [new TableIndex({ name: 'UQ_resource_servers_identifier', columnNames: ['identifier'], isUnique: true })],
      }),
    );
    // Resource indicators are URIs, compared exactly (their paths are case-sensitive), as client ids are.
    if (dialectOf(queryRunner.connection).name === 'mysql') {
      await queryRunner.query('ALTER TABLE `resource_servers` MODIFY `identifier` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL');
    }
    await queryRunner.addColumn('clients', new TableColumn(column.varchar('access_token_format', 8, { default: "'opaque'" })));
    await queryRunner.addColumn('clients', new TableColumn(column.text('resources', { isNullable: true })));
    for (const table of ['authorization_codes', 'refresh_tokens', 'access_tokens']) {
      await queryRunner.addColumn(table, new TableColumn(column.varchar('resource', 255, { isNullable: true })));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['access_tokens', 'refresh_tokens', 'authorization_codes']) await queryRunner.dropColumn(table, 'resource');
    await queryRunner.dropColumn('clients', 'resources');
    await queryRunner.dropColumn('clients', 'access_token_format');
    await queryRunner.dropTable('resource_servers');
  }
}
