import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** How the user who approved signed in (RFC 8176 amr, acr), for the tokens and ID Token the device gets. */
export class DeviceCodeAuthentication1766700000001 implements MigrationInterface {
  name = 'DeviceCodeAuthentication1766700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('device_codes', new TableColumn({ name: 'authentication', type: 'text', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('device_codes', 'authentication');
  }
}
