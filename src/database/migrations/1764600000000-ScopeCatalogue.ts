import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import * as column from './columns';

/** The scope catalogue: a description users read on the consent page instead of the raw scope. */
export class ScopeCatalogue1764600000000 implements MigrationInterface {
  name = 'ScopeCatalogue1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'scopes',
        columns: [column.id('name', 255), column.varchar('description', 500), ...column.timestamps()],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('scopes');
  }
}
