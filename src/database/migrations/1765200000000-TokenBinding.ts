import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Sender-constrained tokens: the confirmation (`cnf`, RFC 7800) of access and refresh tokens, the
 * DPoP key an authorization code is bound to (RFC 9449 §10), and per client whether its tokens
 * must be DPoP-bound (RFC 9449 §5.2) or certificate-bound (RFC 8705 §3.4).
 */
export class TokenBinding1765200000000 implements MigrationInterface {
  name = 'TokenBinding1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['access_tokens', 'refresh_tokens']) {
      await queryRunner.addColumn(table, new TableColumn({ name: 'cnf', type: 'text', isNullable: true }));
    }
    await queryRunner.addColumn('authorization_codes', new TableColumn({ name: 'dpop_jkt', type: 'varchar', length: '64', isNullable: true }));
    await queryRunner.addColumn('clients', new TableColumn({ name: 'dpop_bound_access_tokens', type: 'boolean', default: false }));
    await queryRunner.addColumn('clients', new TableColumn({ name: 'tls_client_certificate_bound_access_tokens', type: 'boolean', default: false }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('clients', 'tls_client_certificate_bound_access_tokens');
    await queryRunner.dropColumn('clients', 'dpop_bound_access_tokens');
    await queryRunner.dropColumn('authorization_codes', 'dpop_jkt');
    for (const table of ['refresh_tokens', 'access_tokens']) await queryRunner.dropColumn(table, 'cnf');
  }
}
