import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import * as column from './columns';

/** LDAP / Active Directory user federation: the directories, and the local users linked to their entries. */
export class LdapDirectories1766200000000 implements MigrationInterface {
  name = 'LdapDirectories1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'ldap_directories',
        columns: [
          column.id(),
          column.varchar('name', 255),
          column.boolean('enabled'),
          column.text('urls'),
          column.boolean('start_tls'),
          column.text('ca_certificates', { isNullable: true }),
          column.text('bind_dn'),
          column.text('bind_password_sealed'),
          column.text('base_dn'),
          column.text('user_filter'),
          // The LDAP attributes read: username and id always; e-mail, name and groups where configured.
          ...['username_attribute', 'id_attribute'].map((name) => column.varchar(name, 64)),
          ...['email_attribute', 'name_attribute', 'group_attribute'].map((name) => column.varchar(name, 64, { isNullable: true })),
          column.text('group_mappings'),
          column.int('connect_timeout_ms'),
          column.int('operation_timeout_ms'),
          column.int('sync_interval_seconds'),
          column.bigint('last_sync_at'),
          ...column.timestamps(),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'federated_users',
        columns: [column.id('user_id'), column.varchar('directory_id', 36), column.varchar('external_id', 128)],
      }),
    );
    await queryRunner.createIndex(
      'federated_users',
      new TableIndex({ name: 'uq_federated_users_entry', columnNames: ['directory_id', 'external_id'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('federated_users');
    await queryRunner.dropTable('ldap_directories');
  }
}
