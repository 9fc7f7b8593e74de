import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import * as column from './columns';

/** Passkeys (WebAuthn credentials, each a user_factors row too) and their single-use challenges. */
export class Passkeys1766700000000 implements MigrationInterface {
  name = 'Passkeys1766700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'passkey_credentials',
        columns: [
          column.id(),
          column.userId(),
          column.sha256('credential_hash'),
          column.text('credential_id'),
          column.text('public_key'),
          column.bigint('sign_count'),
          column.boolean('backup_eligible'),
          column.boolean('backup_state'),
          column.varchar('transports', 255),
          column.varchar('aaguid', 36),
          column.varchar('attestation_format', 32),
        ],
        indices: [
          new TableIndex({ name: 'idx_passkey_credentials_hash', columnNames: ['credential_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_passkey_credentials_user', columnNames: ['user_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_passkey_credentials_factor',
            columnNames: ['id'],
            referencedTableName: 'user_factors',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'passkey_challenges',
        columns: [column.id('id', 64), column.varchar('ceremony', 16), column.userId({ isNullable: true }), column.bigint('expires_at')],
        indices: [new TableIndex({ name: 'idx_passkey_challenges_expires_at', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('passkey_challenges');
    await queryRunner.dropTable('passkey_credentials');
  }
}
