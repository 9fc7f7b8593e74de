import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import * as column from './columns';

/**
 * RFC 7591/7592 and Client ID Metadata Documents: initial access tokens, the registration record of
 * self-registered clients, and how each application came to be (`clients.registration`).
 */
export class DynamicRegistration1766500000000 implements MigrationInterface {
  name = 'DynamicRegistration1766500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('clients', new TableColumn(column.varchar('registration', 32, { isNullable: true })));
    await queryRunner.createTable(
      new Table({
        name: 'initial_access_tokens',
        columns: [
          column.id(),
          column.sha256('token_hash', { isUnique: true }),
          column.varchar('description', 255, { isNullable: true }),
          column.int('expires_at', { isNullable: true }),
          column.int('max_uses', { isNullable: true }),
          column.int('uses'),
          column.text('policy', { isNullable: true }),
          column.int('revoked_at', { isNullable: true }),
          column.int('created_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'client_registrations',
        columns: [
          column.id('client_id', 255),
          column.sha256('registration_token_hash', { isNullable: true }),
          column.text('metadata'),
          column.int('document_expires_at', { isNullable: true }),
          column.int('created_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('client_registrations');
    await queryRunner.dropTable('initial_access_tokens');
    await queryRunner.dropColumn('clients', 'registration');
  }
}
