import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The algorithm a resource server's JWT access tokens are signed with (RS256, as before, by default). */
export class AccessTokenSigningAlg1764800000000 implements MigrationInterface {
  name = 'AccessTokenSigningAlg1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('resource_servers', new TableColumn({ name: 'access_token_signing_alg', type: 'varchar', length: '8', default: "'RS256'" }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('resource_servers', 'access_token_signing_alg');
  }
}
