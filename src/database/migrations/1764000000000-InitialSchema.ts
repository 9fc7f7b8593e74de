import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

// Schema API only, so the same migration runs on SQLite and MySQL/MariaDB.
const id = (name = 'id', length = 36): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isPrimary: true });
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const hash = (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '64' });
const text = (name: string): TableColumnOptions => ({ name, type: 'text' });
const bool = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'boolean', isNullable });
const int = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'int', isNullable });
const epoch = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });

const tokenColumns = (extra: TableColumnOptions[]): TableColumnOptions[] => [
  id(),
  hash('token_hash'),
  str('client_id', 64),
  str('user_id', 36, true),
  text('scope'),
  str('grant_id', 36),
  epoch('expires_at'),
  ...extra,
  epoch('revoked_at', true),
  epoch('created_at'),
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
          id('id', 64),
          str('client_name', 255),
          { ...hash('secret_hash'), isNullable: true },
          str('token_endpoint_auth_method', 32),
          text('redirect_uris'),
          text('grant_types'),
          text('scope'),
          str('pkce', 16),
          bool('pkce_plain_allowed', true),
          int('access_token_ttl', true),
          int('refresh_token_ttl', true),
          bool('enabled'),
          epoch('created_at'),
          epoch('updated_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_clients_client_name', columnNames: ['client_name'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          str('username', 255),
          str('email', 320, true),
          str('password_hash', 255),
          text('roles'),
          bool('enabled'),
          epoch('created_at'),
          epoch('updated_at'),
        ],
        indices: [new TableIndex({ name: 'UQ_users_username', columnNames: ['username'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'consents',
        columns: [id(), str('user_id', 36), str('client_id', 64), text('scope'), epoch('created_at'), epoch('updated_at')],
        indices: [
          new TableIndex({ name: 'UQ_consents_user_client', columnNames: ['user_id', 'client_id'], isUnique: true }),
          new TableIndex({ name: 'IDX_consents_client_id', columnNames: ['client_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'login_sessions',
        columns: [id(), hash('session_hash'), str('user_id', 36), epoch('expires_at'), epoch('created_at')],
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
          id('id', 32),
          bool('pkce_required'),
          bool('pkce_plain_allowed'),
          int('access_token_ttl'),
          int('refresh_token_ttl'),
          int('authorization_code_ttl'),
          epoch('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'authorization_codes',
        columns: [
          id(),
          hash('code_hash'),
          str('client_id', 64),
          str('user_id', 36),
          text('redirect_uri'),
          bool('redirect_uri_provided'),
          text('scope'),
          str('code_challenge', 128, true),
          str('code_challenge_method', 8, true),
          epoch('expires_at'),
          epoch('consumed_at', true),
          epoch('created_at'),
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
        columns: tokenColumns([epoch('rotated_at', true)]),
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
