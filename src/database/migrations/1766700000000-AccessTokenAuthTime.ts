import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/**
 * When the user of an access token authenticated (OpenID Connect auth_time), kept with the token
 * for introspection (RFC 7662 §2.2 allows more members); refresh tokens have kept it already.
 */
export class AccessTokenAuthTime1766700000000 implements MigrationInterface {
  name = 'AccessTokenAuthTime1766700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('access_tokens', new TableColumn(column.bigint('auth_time', { isNullable: true })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('access_tokens', 'auth_time');
  }
}
