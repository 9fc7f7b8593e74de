import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import * as column from './columns';

/** OpenID Connect: signing keys, the nonce and auth_time an ID Token carries, standard profile claims. */
export class OpenIdConnect1764400000000 implements MigrationInterface {
  name = 'OpenIdConnect1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          column.id('kid', 64),
          column.varchar('alg', 16),
          column.text('public_jwk'),
          column.text('private_key'),
          column.bigint('created_at'),
          column.bigint('activates_at'),
          column.bigint('retires_at', { isNullable: true }),
          column.bigint('published_until', { isNullable: true }),
        ],
      }),
    );
    await queryRunner.addColumn('clients', new TableColumn(column.varchar('id_token_signed_response_alg', 16, { default: "'RS256'" })));
    await queryRunner.addColumn('clients', new TableColumn(column.text('post_logout_redirect_uris', { isNullable: true })));
    await queryRunner.addColumn('authorization_codes', new TableColumn(column.varchar('nonce', 512, { isNullable: true })));
    await queryRunner.addColumn('authorization_codes', new TableColumn(column.bigint('auth_time', { isNullable: true })));
    await queryRunner.addColumn('refresh_tokens', new TableColumn(column.bigint('auth_time', { isNullable: true })));
    for (const name of ['name', 'given_name', 'family_name']) {
      await queryRunner.addColumn('users', new TableColumn(column.varchar(name, 255, { isNullable: true })));
    }
    await queryRunner.addColumn('users', new TableColumn(column.boolean('email_verified', { default: false })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['email_verified', 'family_name', 'given_name', 'name']) await queryRunner.dropColumn('users', name);
    await queryRunner.dropColumn('refresh_tokens', 'auth_time');
    await queryRunner.dropColumn('authorization_codes', 'auth_time');
    await queryRunner.dropColumn('authorization_codes', 'nonce');
    await queryRunner.dropColumn('clients', 'post_logout_redirect_uris');
    await queryRunner.dropColumn('clients', 'id_token_signed_response_alg');
    await queryRunner.dropTable('signing_keys');
  }
}
