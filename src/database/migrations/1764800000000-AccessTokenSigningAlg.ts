import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/** The algorithm a resource server's JWT access tokens are signed with (RS256, as before, by default). */
export class AccessTokenSigningAlg1764800000000 implements MigrationInterface {
  name = 'AccessTokenSigningAlg1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('resource_servers', new TableColumn(column.varchar('access_token_signing_alg', 8, { default: "'RS256'" })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('resource_servers', 'access_token_signing_alg');
  }
}
