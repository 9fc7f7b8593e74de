import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { dialectOf } from '../dialects';

/** Resource servers (RFC 8707 resource indicators) and JWT access tokens (RFC 9068). */
export class ResourceServers1764500000000 implements MigrationInterface {
  name = 'ResourceServers1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'resource_servers',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'identifier', type: 'varchar', length: '255' },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'scope', type: 'text' },
          { name: 'access_token_format', type: 'varchar', length: '8' },
          { name: 'access_token_ttl', type: 'int', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'UQ_resource_servers_identifier', columnNames: ['identifier'], isUnique: true })],
      }),
    );
    // Resource indicators are URIs, compared exactly (their paths are case-sensitive), as client ids are.
    if (dialectOf(queryRunner.connection).name === 'mysql') {
      await queryRunner.query('ALTER TABLE `resource_servers` MODIFY `identifier` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL');
    }
    await queryRunner.addColumn('clients', new TableColumn({ name: 'access_token_format', type: 'varchar', length: '8', default: "'opaque'" }));
    await queryRunner.addColumn('clients', new TableColumn({ name: 'resources', type: 'text', isNullable: true }));
    for (const table of ['authorization_codes', 'refresh_tokens', 'access_tokens']) {
      await queryRunner.addColumn(table, new TableColumn({ name: 'resource', type: 'varchar', length: '255', isNullable: true }));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['access_tokens', 'refresh_tokens', 'authorization_codes']) await queryRunner.dropColumn(table, 'resource');
    await queryRunner.dropColumn('clients', 'resources');
    await queryRunner.dropColumn('clients', 'access_token_format');
    await queryRunner.dropTable('resource_servers');
  }
}
