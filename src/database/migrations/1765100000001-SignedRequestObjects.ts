import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/** RFC 9101 §10.5: whether an application must send its authorization requests as signed request objects. */
export class SignedRequestObjects1765100000001 implements MigrationInterface {
  name = 'SignedRequestObjects1765100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('clients', new TableColumn(column.boolean('require_signed_request_object', { default: false })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('clients', 'require_signed_request_object');
  }
}
