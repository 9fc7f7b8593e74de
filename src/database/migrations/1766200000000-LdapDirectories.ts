import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** LDAP / Active Directory user federation: the directories, and the local users linked to their entries. */
export class LdapDirectories1766200000000 implements MigrationInterface {
  name = 'LdapDirectories1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'ldap_directories',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'enabled', type: 'boolean' },
          { name: 'urls', type: 'text' },
          { name: 'start_tls', type: 'boolean' },
          { name: 'ca_certificates', type: 'text', isNullable: true },
          { name: 'bind_dn', type: 'text' },
          { name: 'bind_password_sealed', type: 'text' },
          { name: 'base_dn', type: 'text' },
          { name: 'user_filter', type: 'text' },
          { name: 'username_attribute', type: 'varchar', length: '64' },
          { name: 'id_attribute', type: 'varchar', length: '64' },
          { name: 'email_attribute', type: 'varchar', length: '64', isNullable: true },
          { name: 'name_attribute', type: 'varchar', length: '64', isNullable: true },
          { name: 'group_attribute', type: 'varchar', length: '64', isNullable: true },
          { name: 'group_mappings', type: 'text' },
          { name: 'connect_timeout_ms', type: 'int' },
          { name: 'operation_timeout_ms', type: 'int' },
          { name: 'sync_interval_seconds', type: 'int' },
          { name: 'last_sync_at', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'federated_users',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'directory_id', type: 'varchar', length: '36' },
          { name: 'external_id', type: 'varchar', length: '128' },
        ],
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
