import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/** The security profile an application follows (`fapi2-security`), or null: the global default (FAPI_PROFILE). */
export class FapiProfile1765400000000 implements MigrationInterface {
  name = 'FapiProfile1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('clients', new TableColumn(column.varchar('fapi_profile', 32, { isNullable: true })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('clients', 'fapi_profile');
  }
}
