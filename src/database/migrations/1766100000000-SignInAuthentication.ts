import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/**
 * How a user signed in (RFC 8176 `amr`, OpenID Connect `acr`), kept with the login session, its
 * authorization codes and tokens; when a session last stepped up (its auth_time); and each
 * application's second-factor policy (null: the server's default).
 */
export class SignInAuthentication1766100000000 implements MigrationInterface {
  name = 'SignInAuthentication1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['login_sessions', 'authorization_codes', 'access_tokens', 'refresh_tokens']) {
      await queryRunner.addColumn(table, new TableColumn(column.text('authentication', { isNullable: true })));
    }
    await queryRunner.addColumn('login_sessions', new TableColumn(column.bigint('auth_time', { isNullable: true })));
    await queryRunner.addColumn('clients', new TableColumn(column.varchar('mfa', 16, { isNullable: true })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('clients', 'mfa');
    await queryRunner.dropColumn('login_sessions', 'auth_time');
    for (const table of ['refresh_tokens', 'access_tokens', 'authorization_codes', 'login_sessions']) await queryRunner.dropColumn(table, 'authentication');
  }
}
