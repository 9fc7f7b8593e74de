import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateDeviceCodes1766400000000 implements MigrationInterface {
  name = 'CreateDeviceCodes1766400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'device_codes',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'device_code_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'user_code_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'client_id', type: 'varchar', length: '255' },
          { name: 'client_name', type: 'text' },
          { name: 'scope', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'auth_time', type: 'int', isNullable: true },
          { name: 'poll_interval', type: 'int' },
          { name: 'last_polled_at', type: 'int', isNullable: true },
          { name: 'expires_at', type: 'int' },
          { name: 'purge_at', type: 'int' },
          { name: 'created_at', type: 'int' },
        ],
      }),
    );
    await queryRunner.createIndex('device_codes', new TableIndex({ name: 'IDX_device_codes_purge_at', columnNames: ['purge_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('device_codes');
  }
}
