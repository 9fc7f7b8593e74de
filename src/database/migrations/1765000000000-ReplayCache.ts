import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import * as column from './columns';

/** The database replay cache (single-use identifiers: client assertion and DPoP proof `jti`s, ...). */
export class ReplayCache1765000000000 implements MigrationInterface {
  name = 'ReplayCache1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'replay_cache',
        columns: [column.id('id', 64), column.varchar('namespace', 64), column.bigint('expires_at')],
      }),
    );
    await queryRunner.createIndex('replay_cache', new TableIndex({ name: 'idx_replay_cache_expires_at', columnNames: ['expires_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('replay_cache');
  }
}
