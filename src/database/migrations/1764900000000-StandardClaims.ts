import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/** The string columns of the OpenID Connect standard claims added to users (Core §5.1), with their lengths ('text' for URLs). */
const USER_CLAIM_COLUMNS: readonly [string, number | null][] = [
  ['middle_name', 255],
  ['nickname', 255],
  ['profile', null],
  ['picture', null],
  ['website', null],
  ['gender', 64],
  ['birthdate', 10],
  ['zoneinfo', 64],
  ['locale', 35],
  ['phone_number', 64],
];

/**
 * OpenID Connect standard claims of the scopes profile, address and phone on users; per client the
 * claims its ID Tokens carry; the `claims` request parameter (Core §5.5) kept with the code and the
 * tokens of its grant, so that refreshed ID Tokens and userinfo honour it.
 */
export class StandardClaims1764900000000 implements MigrationInterface {
  name = 'StandardClaims1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, length] of USER_CLAIM_COLUMNS) {
      await queryRunner.addColumn(
        'users',
        new TableColumn(length === null ? column.text(name, { isNullable: true }) : column.varchar(name, length, { isNullable: true })),
      );
    }
    await queryRunner.addColumn('users', new TableColumn(column.boolean('phone_number_verified', { default: false })));
    await queryRunner.addColumn('users', new TableColumn(column.text('address', { isNullable: true })));
    await queryRunner.addColumn('clients', new TableColumn(column.varchar('id_token_claims', 16, { default: "'scope'" })));
    for (const table of ['authorization_codes', 'refresh_tokens', 'access_tokens']) {
      await queryRunner.addColumn(table, new TableColumn(column.text('claims', { isNullable: true })));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['access_tokens', 'refresh_tokens', 'authorization_codes']) await queryRunner.dropColumn(table, 'claims');
    await queryRunner.dropColumn('clients', 'id_token_claims');
    await queryRunner.dropColumn('users', 'address');
    await queryRunner.dropColumn('users', 'phone_number_verified');
    for (const [name] of [...USER_CLAIM_COLUMNS].reverse()) await queryRunner.dropColumn('users', name);
  }
}
