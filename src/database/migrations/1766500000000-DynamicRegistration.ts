import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * RFC 7591/7592 and Client ID Metadata Documents: initial access tokens, the registration record of
 * self-registered clients, and how each application came to be (`clients.registration`).
 */
export class DynamicRegistration1766500000000 implements MigrationInterface {
  name = 'DynamicRegistration1766500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('clients', new TableColumn({ name: 'registration', type: 'varchar', length: '32', isNullable: true }));
    await queryRunner.createTable(
      new Table({
        name: 'initial_access_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'description', type: 'varchar', length: '255', isNullable: true },
          { name: 'expires_at', type: 'int', isNullable: true },
          { name: 'max_uses', type: 'int', isNullable: true },
          { name: 'uses', type: 'int' },
          { name: 'policy', type: 'text', isNullable: true },
          { name: 'revoked_at', type: 'int', isNullable: true },
          { name: 'created_at', type: 'int' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'client_registrations',
        columns: [
          { name: 'client_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'registration_token_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'metadata', type: 'text' },
          { name: 'document_expires_at', type: 'int', isNullable: true },
          { name: 'created_at', type: 'int' },
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
