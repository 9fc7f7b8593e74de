import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import * as column from './columns';

/** Revocations of JWT access tokens, which are no longer stored: a deny-list by `jti` and not-before times by subject. */
export class TokenRevocations1766600000000 implements MigrationInterface {
  name = 'TokenRevocations1766600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'token_revocations',
        columns: [column.id('id', 320), column.bigint('not_before'), column.bigint('expires_at')],
        indices: [new TableIndex({ name: 'IDX_token_revocations_expires_at', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('token_revocations');
  }
}
