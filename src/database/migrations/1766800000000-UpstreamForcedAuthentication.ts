import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/** Whether an upstream sign-in was sent for a new authentication (prompt=login, ForceAuthn): its answer must show one. */
export class UpstreamForcedAuthentication1766800000000 implements MigrationInterface {
  name = 'UpstreamForcedAuthentication1766800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('upstream_login_states', new TableColumn(column.boolean('force_authentication', { default: false })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('upstream_login_states', 'force_authentication');
  }
}
