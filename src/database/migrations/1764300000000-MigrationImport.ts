import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { dialectOf } from '../dialects';

/** Columns that hold a client id: imported ids keep their length (RFC 6749 Appendix A VSCHAR, up to 255). */
const CLIENT_ID_COLUMNS: ReadonlyArray<readonly [table: string, column: string, nullable: boolean]> = [
  ['clients', 'id', false],
  ['access_tokens', 'client_id', false],
  ['refresh_tokens', 'client_id', false],
  ['authorization_codes', 'client_id', false],
  ['consents', 'client_id', false],
  ['audit_events', 'client_id', true],
];

/**
 * What migrating from webMethods, WSO2 and Spring needs: client ids of up to 255 characters, imported
 * client secrets stored with argon2id (longer than a SHA-256 hex), the per-client refresh token
 * rotation policy, and sign-in by e-mail (a lower-cased key, unique regardless of case).
 */
export class MigrationImport1764300000000 implements MigrationInterface {
  name = 'MigrationImport1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // SQLite does not enforce varchar lengths, so only MySQL widens the columns; MODIFY keeps the
    // data and the indexes in place (a schema-API changeColumn may drop and re-add a column).
    if (dialectOf(queryRunner.connection).name === 'mysql') {
      for (const [table, column, nullable] of CLIENT_ID_COLUMNS) {
        // Client ids compare exactly (RFC 6749 §2.2), not by the default case-insensitive collation.
        await queryRunner.query(
          `ALTER TABLE \`${table}\` MODIFY \`${column}\` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin ${nullable ? 'NULL' : 'NOT NULL'}`,
        );
      }
      await queryRunner.query('ALTER TABLE `clients` MODIFY `secret_hash` varchar(255) NULL');
    }
    // PostgreSQL enforces varchar lengths and compares exactly already; changing the type keeps the data and indexes.
    if (dialectOf(queryRunner.connection).name === 'postgres') {
      for (const [table, column] of [...CLIENT_ID_COLUMNS, ['clients', 'secret_hash'] as const]) {
        await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE varchar(255)`);
      }
    }
    // MySQL commits each DDL statement by itself: every step can be run again after a failure.
    if (!(await queryRunner.hasColumn('clients', 'refresh_token_rotation'))) {
      await queryRunner.addColumn('clients', new TableColumn({ name: 'refresh_token_rotation', type: 'varchar', length: '16', default: "'rotate'" }));
    }
    if (!(await queryRunner.hasColumn('users', 'email_key'))) {
      await queryRunner.addColumn('users', new TableColumn({ name: 'email_key', type: 'varchar', length: '320', isNullable: true }));
    }
    // Keys as the application computes them (JavaScript lower-casing, not SQLite's ASCII-only
    // LOWER). E-mail addresses were not unique before: the oldest holder keeps the key, later
    // duplicates get none (they sign in by username until an admin gives them their own address).
    const users = (await queryRunner.query('SELECT id, email FROM users WHERE email IS NOT NULL ORDER BY created_at, id')) as { id: string; email: string }[];
    const taken = new Set<string>();
    for (const { id, email } of users) {
      const key = email.trim().toLowerCase();
      const dialect = dialectOf(queryRunner.connection);
      await queryRunner.query(`UPDATE users SET email_key = ${dialect.parameter(1)} WHERE id = ${dialect.parameter(2)}`, [taken.has(key) ? null : key, id]);
      taken.add(key);
    }
    const table = await queryRunner.getTable('users');
    if (!table?.indices.some((index) => index.name === 'UQ_users_email_key')) {
      await queryRunner.createIndex('users', new TableIndex({ name: 'UQ_users_email_key', columnNames: ['email_key'], isUnique: true }));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('users', 'UQ_users_email_key');
    await queryRunner.dropColumn('users', 'email_key');
    await queryRunner.dropColumn('clients', 'refresh_token_rotation');
    if (dialectOf(queryRunner.connection).name === 'postgres') {
      for (const [table, column] of [...CLIENT_ID_COLUMNS, ['clients', 'secret_hash'] as const]) {
        await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE varchar(64)`);
      }
    }
    if (dialectOf(queryRunner.connection).name === 'mysql') {
      await queryRunner.query('ALTER TABLE `clients` MODIFY `secret_hash` varchar(64) NULL');
      for (const [table, column, nullable] of CLIENT_ID_COLUMNS) {
        await queryRunner.query(`ALTER TABLE \`${table}\` MODIFY \`${column}\` varchar(64) ${nullable ? 'NULL' : 'NOT NULL'}`);
      }
    }
  }
}
