import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/** OpenID Connect: signing keys, the nonce and auth_time an ID Token carries, standard profile claims. */
export class OpenIdConnect1764400000000 implements MigrationInterface {
  name = 'OpenIdConnect1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          { name: 'alg', type: 'varchar', length: '16' },
          { name: 'public_jwk', type: 'text' },
          { name: 'private_key', type: 'text' },
          { name: 'created_at', type: 'bigint' },
          { name: 'activates_at', type: 'bigint' },
          { name: 'retires_at', type: 'bigint', isNullable: true },
          { name: 'published_until', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.addColumn('clients', new TableColumn({ name: 'id_token_signed_response_alg', type: 'varchar', length: '16', default: "'RS256'" }));
    await queryRunner.addColumn('clients', new TableColumn({ name: 'post_logout_redirect_uris', type: 'text', isNullable: true }));
    await queryRunner.addColumn('authorization_codes', new TableColumn({ name: 'nonce', type: 'varchar', length: '512', isNullable: true }));
    await queryRunner.addColumn('authorization_codes', new TableColumn({ name: 'auth_time', type: 'bigint', isNullable: true }));
    await queryRunner.addColumn('refresh_tokens', new TableColumn({ name: 'auth_time', type: 'bigint', isNullable: true }));
    for (const name of ['name', 'given_name', 'family_name']) {
      await queryRunner.addColumn('users', new TableColumn({ name, type: 'varchar', length: '255', isNullable: true }));
    }
    await queryRunner.addColumn('users', new TableColumn({ name: 'email_verified', type: 'boolean', default: false }));
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
