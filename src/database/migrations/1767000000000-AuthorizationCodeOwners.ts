import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * The codes of a user, and of an application, found without a full scan: disabling or deleting
 * either voids their unredeemed codes (as a withdrawn consent voids a user's codes for one
 * application), inside the admin's transaction, where a scan would lock every code row on InnoDB
 * until it commits.
 */
export class AuthorizationCodeOwners1767000000000 implements MigrationInterface {
  name = 'AuthorizationCodeOwners1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Each index only if missing: MySQL commits DDL statement by statement, so a run that failed
    // after the first must be able to run again.
    const existing = new Set((await queryRunner.getTable('authorization_codes'))?.indices.map((index) => index.name));
    for (const [name, column] of [
      ['idx_authorization_codes_user', 'user_id'],
      ['idx_authorization_codes_client', 'client_id'],
    ]) {
      if (!existing.has(name)) await queryRunner.createIndex('authorization_codes', new TableIndex({ name, columnNames: [column] }));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('authorization_codes', 'idx_authorization_codes_client');
    await queryRunner.dropIndex('authorization_codes', 'idx_authorization_codes_user');
  }
}
