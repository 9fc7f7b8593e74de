import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import * as column from './columns';

/** Users an administrator requires to have a second sign-in factor, whatever the applications' policy. */
export class FactorRequirements1766100000005 implements MigrationInterface {
  name = 'FactorRequirements1766100000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'user_factor_requirements',
        columns: [column.id('user_id'), column.bigint('required_at'), column.varchar('required_by', 36, { isNullable: true })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_factor_requirements');
  }
}
