import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class AuditEvents1764100000000 implements MigrationInterface {
  name = 'AuditEvents1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'occurred_at', type: 'bigint' },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'actor_user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'client_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'subject', type: 'varchar', length: '255', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'detail', type: 'text', isNullable: true },
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
