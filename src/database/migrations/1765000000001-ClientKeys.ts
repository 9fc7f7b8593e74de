import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/**
 * Client key material and certificate registration: `jwks` / `jwks_uri` and the assertion
 * algorithm (RFC 7523, OpenID Connect Core §9), the RFC 8705 §2.1.2 certificate fields, and the
 * encrypted secret of client_secret_jwt clients.
 */
const COLUMNS: readonly TableColumn[] = [
  new TableColumn(column.text('jwks', { isNullable: true })),
  new TableColumn(column.text('jwks_uri', { isNullable: true })),
  new TableColumn(column.varchar('token_endpoint_auth_signing_alg', 16, { isNullable: true })),
  new TableColumn(column.text('tls_client_auth_subject_dn', { isNullable: true })),
  new TableColumn(column.varchar('tls_client_auth_san_dns', 255, { isNullable: true })),
  new TableColumn(column.text('tls_client_auth_san_uri', { isNullable: true })),
  new TableColumn(column.varchar('tls_client_auth_san_ip', 64, { isNullable: true })),
  new TableColumn(column.varchar('tls_client_auth_san_email', 255, { isNullable: true })),
  new TableColumn(column.text('secret_encrypted', { isNullable: true })),
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
