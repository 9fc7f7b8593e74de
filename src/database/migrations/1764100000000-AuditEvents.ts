import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import * as column from './columns';

export class AuditEvents1764100000000 implements MigrationInterface {
  name = 'AuditEvents1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          column.id(),
          column.bigint('occurred_at'),
          column.varchar('type', 64),
          column.varchar('outcome', 16),
          column.varchar('actor_user_id', 36, { isNullable: true }),
          column.varchar('client_id', 64, { isNullable: true }),
          column.varchar('subject', 255, { isNullable: true }),
          column.varchar('ip', 64, { isNullable: true }),
          column.text('detail', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'IDX_audit_events_occurred_at', columnNames: ['occurred_at'] }),
          new TableIndex({ name: 'IDX_audit_events_type', columnNames: ['type', 'occurred_at'] }),
          new TableIndex({ name: 'IDX_audit_events_actor', columnNames: ['actor_user_id', 'occurred_at'] }),
          new TableIndex({ name: 'IDX_audit_events_client', columnNames: ['client_id', 'occurred_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_events');
  }
}
