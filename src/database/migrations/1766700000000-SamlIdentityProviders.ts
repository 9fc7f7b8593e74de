import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import * as column from './columns';

/** SAML 2.0 identity providers as another kind of upstream provider: its protocol, and its SAML settings (JSON). */
export class SamlIdentityProviders1766700000000 implements MigrationInterface {
  name = 'SamlIdentityProviders1766700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('upstream_identity_providers', [
      new TableColumn(column.varchar('protocol', 8, { default: "'oidc'" })),
      new TableColumn(column.text('saml_settings', { isNullable: true })),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('upstream_identity_providers', 'saml_settings');
    await queryRunner.dropColumn('upstream_identity_providers', 'protocol');
  }
}
