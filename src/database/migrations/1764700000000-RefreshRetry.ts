import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/**
 * A refresh token records the token whose presentation issued it and the access token issued with
 * it, so that a client retrying a refresh whose answer it never received (a 503 sent while the
 * COMMIT was in flight) can be told from a replay (SECURITY.md).
 */
export class RefreshRetry1764700000000 implements MigrationInterface {
  name = 'RefreshRetry1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('refresh_tokens', new TableColumn(column.varchar('parent_id', 36, { isNullable: true })));
    await queryRunner.addColumn('refresh_tokens', new TableColumn(column.varchar('access_token_id', 36, { isNullable: true })));
    // Looked up only when a spent token comes back, by grant (IDX_refresh_tokens_grant_id): no new index.
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('refresh_tokens', 'access_token_id');
    await queryRunner.dropColumn('refresh_tokens', 'parent_id');
  }
}
