import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import * as column from './columns';

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
          column.id('id', 64),
          column.clientId(),
          column.text('parameters'),
          column.bigint('expires_at'),
          column.bigint('spent_at', { isNullable: true }),
        ],
        indices: [new TableIndex({ name: 'IDX_pushed_authorization_requests_expires_at', columnNames: ['expires_at'] })],
      }),
    );
    await queryRunner.addColumn('clients', new TableColumn(column.boolean('require_pushed_authorization_requests', { default: false })));
    await queryRunner.addColumn('settings', new TableColumn(column.boolean('require_pushed_authorization_requests', { default: false })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('settings', 'require_pushed_authorization_requests');
    await queryRunner.dropColumn('clients', 'require_pushed_authorization_requests');
    await queryRunner.dropTable('pushed_authorization_requests');
  }
}
