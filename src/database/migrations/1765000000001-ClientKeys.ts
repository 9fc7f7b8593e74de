import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Client key material and certificate registration: `jwks` / `jwks_uri` and the assertion
 * algorithm (RFC 7523, OpenID Connect Core §9), the RFC 8705 §2.1.2 certificate fields, and the
 * encrypted secret of client_secret_jwt clients.
 */
const COLUMNS: readonly TableColumn[] = [
  new TableColumn({ name: 'jwks', type: 'text', isNullable: true }),
  new TableColumn({ name: 'jwks_uri', type: 'text', isNullable: true }),
  new TableColumn({ name: 'token_endpoint_auth_signing_alg', type: 'varchar', length: '16', isNullable: true }),
  new TableColumn({ name: 'tls_client_auth_subject_dn', type: 'text', isNullable: true }),
  new TableColumn({ name: 'tls_client_auth_san_dns', type: 'varchar', length: '255', isNullable: true }),
  new TableColumn({ name: 'tls_client_auth_san_uri', type: 'text', isNullable: true }),
  new TableColumn({ name: 'tls_client_auth_san_ip', type: 'varchar', length: '64', isNullable: true }),
  new TableColumn({ name: 'tls_client_auth_san_email', type: 'varchar', length: '255', isNullable: true }),
  new TableColumn({ name: 'secret_encrypted', type: 'text', isNullable: true }),
];

export class ClientKeys1765000000001 implements MigrationInterface {
  name = 'ClientKeys1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('clients', [...COLUMNS]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('clients', [...COLUMNS]);
  }
}
