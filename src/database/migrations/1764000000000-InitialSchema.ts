import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';
import * as column from './columns';

const tokenColumns = (extra: TableColumnOptions[]): TableColumnOptions[] => [
  column.id(),
  column.sha256('token_hash'),
  column.varchar('client_id', 64),
  column.userId({ isNullable: true }),
  column.text('scope'),
  column.varchar('grant_id', 36),
  column.bigint('expires_at'),
  ...extra,
  column.bigint('revoked_at', { isNullable: true }),
  column.bigint('created_at'),
];

const tokenIndices = (table: string): TableIndex[] => [
  new TableIndex({ name: `UQ_${table}_token_hash`, columnNames: ['token_hash'], isUnique: true }),
  new TableIndex({ name: `IDX_${table}_grant_id`, columnNames: ['grant_id'] }),
  new TableIndex({ name: `IDX_${table}_client_id`, columnNames: ['client_id'] }),
  new TableIndex({ name: `IDX_${table}_user_id`, columnNames: ['user_id'] }),
  new TableIndex({ name: `IDX_${table}_expires_at`, columnNames: ['expires_at'] }),
];

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'clients',
        columns: [
          column.id('id', 64),
          column.varchar('client_name', 255),
          column.sha256('secret_hash', { isNullable: true }),
          column.varchar('token_endpoint_auth_method', 32),
          column.text('redirect_uris'),
          column.text('grant_types'),
          column.text('scope'),
          column.varchar('pkce', 16),
          column.boolean('pkce_plain_allowed', { isNullable: true }),
          column.int('access_token_ttl', { isNullable: true }),
          column.int('refresh_token_ttl', { isNullable: true }),
          column.boolean('enabled'),
          ...column.timestamps(),
        ],
        indices: [new TableIndex({ name: 'IDX_clients_client_name', columnNames: ['client_name'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          column.id(),
          column.varchar('username', 255),
          column.varchar('email', 320, { isNullable: true }),
          column.varchar('password_hash', 255),
          column.text('roles'),
          column.boolean('enabled'),
          ...column.timestamps(),
        ],
        indices: [new TableIndex({ name: 'UQ_users_username', columnNames: ['username'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'consents',
        columns: [column.id(), column.userId(), column.varchar('client_id', 64), column.text('scope'), ...column.timestamps()],
        indices: [
          new TableIndex({ name: 'UQ_consents_user_client', columnNames: ['user_id', 'client_id'], isUnique: true }),
          new TableIndex({ name: 'IDX_consents_client_id', columnNames: ['client_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'login_sessions',
        columns: [column.id(), column.sha256('session_hash'), column.userId(), column.bigint('expires_at'), column.bigint('created_at')],
        indices: [
          new TableIndex({ name: 'UQ_login_sessions_session_hash', columnNames: ['session_hash'], isUnique: true }),
          new TableIndex({ name: 'IDX_login_sessions_user_id', columnNames: ['user_id'] }),
          new TableIndex({ name: 'IDX_login_sessions_expires_at', columnNames: ['expires_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'settings',
        columns: [
          column.id('id', 32),
          column.boolean('pkce_required'),
          column.boolean('pkce_plain_allowed'),
          column.int('access_token_ttl'),
          column.int('refresh_token_ttl'),
          column.int('authorization_code_ttl'),
          column.bigint('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'authorization_codes',
        columns: [
          column.id(),
          column.sha256('code_hash'),
          column.varchar('client_id', 64),
          column.userId(),
          column.text('redirect_uri'),
          column.boolean('redirect_uri_provided'),
          column.text('scope'),
          column.varchar('code_challenge', 128, { isNullable: true }),
          column.varchar('code_challenge_method', 8, { isNullable: true }),
          column.bigint('expires_at'),
          column.bigint('consumed_at', { isNullable: true }),
          column.bigint('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_authorization_codes_code_hash', columnNames: ['code_hash'], isUnique: true }),
          new TableIndex({ name: 'IDX_authorization_codes_expires_at', columnNames: ['expires_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(new Table({ name: 'access_tokens', columns: tokenColumns([]), indices: tokenIndices('access_tokens') }));
    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: tokenColumns([column.bigint('rotated_at', { isNullable: true })]),
        indices: tokenIndices('refresh_tokens'),
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['refresh_tokens', 'access_tokens', 'authorization_codes', 'settings', 'login_sessions', 'consents', 'users', 'clients']) {
      await queryRunner.dropTable(table);
    }
  }
}
