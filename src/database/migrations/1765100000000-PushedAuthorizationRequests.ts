import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * RFC 9126: pushed authorization requests, single-use and shared by every instance; whether an
 * application (and the server, in settings) requires them.
 */
export class PushedAuthorizationRequests1765100000000 implements MigrationInterface {
  name = 'PushedAuthorizationRequests1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'pushed_authorization_requests',
        columns: [
          // SHA-256 hex of the request_uri's random part: the reference is a bearer value.
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '255' },
          { name: 'parameters', type: 'text' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'spent_at', type: 'bigint', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'IDX_pushed_authorization_requests_expires_at', columnNames: ['expires_at'] })],
      }),
    );
    await queryRunner.addColumn('clients', new TableColumn({ name: 'require_pushed_authorization_requests', type: 'boolean', default: false }));
    await queryRunner.addColumn('settings', new TableColumn({ name: 'require_pushed_authorization_requests', type: 'boolean', default: false }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('settings', 'require_pushed_authorization_requests');
    await queryRunner.dropColumn('clients', 'require_pushed_authorization_requests');
    await queryRunner.dropTable('pushed_authorization_requests');
  }
}
