import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import * as column from './columns';

/** The sign-in factors of users besides their password (TOTP authenticators, recovery codes). */
export class UserFactors1766100000001 implements MigrationInterface {
  name = 'UserFactors1766100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'user_factors',
        columns: [
          column.id(),
          column.userId(),
          column.varchar('type', 32),
          column.varchar('name', 100),
          column.text('secret'),
          column.bigint('created_at'),
          column.bigint('last_used_at', { isNullable: true }),
          column.bigint('spent_at', { isNullable: true }),
        ],
      }),
    );
    await queryRunner.createIndex('user_factors', new TableIndex({ name: 'idx_user_factors_user', columnNames: ['user_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_factors');
  }
}
