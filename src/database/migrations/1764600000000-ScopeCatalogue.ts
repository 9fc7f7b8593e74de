import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The scope catalogue: a description users read on the consent page instead of the raw scope. */
export class ScopeCatalogue1764600000000 implements MigrationInterface {
  name = 'ScopeCatalogue1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'scopes',
        columns: [
          { name: 'name', type: 'varchar', length: '255', isPrimary: true },
          { name: 'description', type: 'varchar', length: '500' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('scopes');
  }
}
