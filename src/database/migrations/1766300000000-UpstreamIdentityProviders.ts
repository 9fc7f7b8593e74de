import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Upstream OpenID Connect providers, the local users' accounts there, and sign-ins in flight. */
export class UpstreamIdentityProviders1766300000000 implements MigrationInterface {
  name = 'UpstreamIdentityProviders1766300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'upstream_identity_providers',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'alias', type: 'varchar', length: '64', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '255' },
          { name: 'issuer', type: 'varchar', length: '1024' },
          { name: 'client_id', type: 'varchar', length: '255' },
          { name: 'client_auth_method', type: 'varchar', length: '32' },
          { name: 'sealed_credential', type: 'text' },
          { name: 'scope', type: 'varchar', length: '1024' },
          { name: 'claim_mapping', type: 'text' },
          { name: 'allowed_email_domains', type: 'text' },
          { name: 'trust_upstream_amr', type: 'boolean', default: false },
          { name: 'jit_provisioning', type: 'boolean', default: true },
          { name: 'upstream_end_session', type: 'boolean', default: false },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'federated_identities',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'provider_id', type: 'varchar', length: '36' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'linked_by', type: 'varchar', length: '32' },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [
          new TableIndex({ name: 'UQ_federated_identities_provider_subject', columnNames: ['provider_id', 'subject'], isUnique: true }),
          new TableIndex({ name: 'IDX_federated_identities_user_id', columnNames: ['user_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'upstream_login_states',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'state_hash', type: 'varchar', length: '64' },
          { name: 'browser_hash', type: 'varchar', length: '64' },
          { name: 'provider_id', type: 'varchar', length: '36' },
          { name: 'client_id', type: 'varchar', length: '255' },
          { name: 'sealed_code_verifier', type: 'text' },
          { name: 'nonce', type: 'varchar', length: '128' },
          { name: 'resume', type: 'text' },
          { name: 'resume_sealed', type: 'boolean' },
          { name: 'session_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'auth_time', type: 'bigint', isNullable: true },
          { name: 'amr', type: 'varchar', length: '255', isNullable: true },
          { name: 'acr', type: 'varchar', length: '255', isNullable: true },
          { name: 'expires_at', type: 'bigint' },
          { name: 'spent_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'UQ_upstream_login_states_state_hash', columnNames: ['state_hash'], isUnique: true }),
          new TableIndex({ name: 'IDX_upstream_login_states_session_hash', columnNames: ['session_hash'] }),
          new TableIndex({ name: 'IDX_upstream_login_states_expires_at', columnNames: ['expires_at'] }),
          new TableIndex({ name: 'IDX_upstream_login_states_user_auth_time', columnNames: ['user_id', 'auth_time'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('upstream_login_states');
    await queryRunner.dropTable('federated_identities');
    await queryRunner.dropTable('upstream_identity_providers');
  }
}
