import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** Users an administrator requires to have a second sign-in factor, whatever the applications' policy. */
export class FactorRequirements1766100000005 implements MigrationInterface {
  name = 'FactorRequirements1766100000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'user_factor_requirements',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'required_at', type: 'bigint' },
          { name: 'required_by', type: 'varchar', length: '36', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_factor_requirements');
  }
}
