import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import * as column from './columns';

/** Upstream OpenID Connect providers, the local users' accounts there, and sign-ins in flight. */
export class UpstreamIdentityProviders1766300000000 implements MigrationInterface {
  name = 'UpstreamIdentityProviders1766300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'upstream_identity_providers',
        columns: [
          column.id(),
          column.varchar('alias', 64, { isUnique: true }),
          column.varchar('display_name', 255),
          column.varchar('issuer', 1024),
          column.clientId(),
          column.varchar('client_auth_method', 32),
          column.text('sealed_credential'),
          column.varchar('scope', 1024),
          column.text('claim_mapping'),
          column.text('allowed_email_domains'),
          column.boolean('trust_upstream_amr', { default: false }),
          column.boolean('jit_provisioning', { default: true }),
          column.boolean('upstream_end_session', { default: false }),
          column.boolean('enabled', { default: true }),
          ...column.timestamps(),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'federated_identities',
        columns: [
          column.id(),
          column.varchar('provider_id', 36),
          column.varchar('subject', 255),
          column.userId(),
          column.varchar('linked_by', 32),
          column.bigint('created_at'),
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
          column.id(),
          column.sha256('state_hash'),
          column.sha256('browser_hash'),
          column.varchar('provider_id', 36),
          column.clientId(),
          column.text('sealed_code_verifier'),
          column.varchar('nonce', 128),
          column.text('resume'),
          column.boolean('resume_sealed'),
          column.sha256('session_hash', { isNullable: true }),
          column.userId({ isNullable: true }),
          column.bigint('auth_time', { isNullable: true }),
          column.varchar('amr', 255, { isNullable: true }),
          column.varchar('acr', 255, { isNullable: true }),
          column.bigint('expires_at'),
          column.bigint('spent_at', { isNullable: true }),
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
