import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/**
 * The hosts whose Client ID Metadata Documents are accepted or refused, as run-time settings. Null
 * keeps the environment's lists (CLIENT_ID_METADATA_DOCUMENT_ALLOWED_HOSTS / _DENIED_HOSTS).
 */
export class MetadataDocumentHostSettings1766700000000 implements MigrationInterface {
  name = 'MetadataDocumentHostSettings1766700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('settings', [
      new TableColumn(column.text('metadata_document_allowed_hosts', { isNullable: true })),
      new TableColumn(column.text('metadata_document_denied_hosts', { isNullable: true })),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('settings', 'metadata_document_denied_hosts');
    await queryRunner.dropColumn('settings', 'metadata_document_allowed_hosts');
  }
}
