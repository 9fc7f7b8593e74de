import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** The sign-in factors of users besides their password (TOTP authenticators, recovery codes). */
export class UserFactors1766100000001 implements MigrationInterface {
  name = 'UserFactors1766100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'user_factors',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'secret', type: 'text' },
          { name: 'created_at', type: 'bigint' },
          { name: 'last_used_at', type: 'bigint', isNullable: true },
          { name: 'spent_at', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex('user_factors', new TableIndex({ name: 'idx_user_factors_user', columnNames: ['user_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_factors');
  }
}
