import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Passkeys (WebAuthn credentials, each a user_factors row too) and their single-use challenges. */
export class Passkeys1766700000000 implements MigrationInterface {
  name = 'Passkeys1766700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'passkey_credentials',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'credential_hash', type: 'varchar', length: '64' },
          { name: 'credential_id', type: 'text' },
          { name: 'public_key', type: 'text' },
          { name: 'sign_count', type: 'bigint' },
          { name: 'backup_eligible', type: 'boolean' },
          { name: 'backup_state', type: 'boolean' },
          { name: 'transports', type: 'varchar', length: '255' },
          { name: 'aaguid', type: 'varchar', length: '36' },
          { name: 'attestation_format', type: 'varchar', length: '32' },
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
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'ceremony', type: 'varchar', length: '16' },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'expires_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'idx_passkey_challenges_expires_at', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('passkey_challenges');
    await queryRunner.dropTable('passkey_credentials');
  }
}
