import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/**
 * Sender-constrained tokens: the confirmation (`cnf`, RFC 7800) of access and refresh tokens, the
 * DPoP key an authorization code is bound to (RFC 9449 §10), and per client whether its tokens
 * must be DPoP-bound (RFC 9449 §5.2) or certificate-bound (RFC 8705 §3.4).
 */
export class TokenBinding1765200000000 implements MigrationInterface {
  name = 'TokenBinding1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['access_tokens', 'refresh_tokens']) {
      await queryRunner.addColumn(table, new TableColumn(column.text('cnf', { isNullable: true })));
    }
    await queryRunner.addColumn('authorization_codes', new TableColumn(column.varchar('dpop_jkt', 64, { isNullable: true })));
    await queryRunner.addColumn('clients', new TableColumn(column.boolean('dpop_bound_access_tokens', { default: false })));
    await queryRunner.addColumn('clients', new TableColumn(column.boolean('tls_client_certificate_bound_access_tokens', { default: false })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('clients', 'tls_client_certificate_bound_access_tokens');
    await queryRunner.dropColumn('clients', 'dpop_bound_access_tokens');
    await queryRunner.dropColumn('authorization_codes', 'dpop_jkt');
    for (const table of ['refresh_tokens', 'access_tokens']) await queryRunner.dropColumn(table, 'cnf');
  }
}
