import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../src/config/app-config';

/** Which database the e2e suites run on: TEST_DB=sqlite (default) or TEST_DB=mysql (the running MariaDB). */
export const TEST_DB: 'sqlite' | 'mysql' = process.env.TEST_DB === 'mysql' ? 'mysql' : 'sqlite';

export interface TestDatabase {
  readonly env: Record<string, string>;
  readonly database: AppConfig['database'];
  drop(): Promise<void>;
}

const mysqlServer = {
  host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_MYSQL_PORT ?? 3306),
  user: process.env.TEST_MYSQL_USER ?? 'root',
  password: process.env.TEST_MYSQL_PASSWORD ?? '',
};

let counter = 0;

/** A new, empty database for one suite: a temporary SQLite file, or a fresh MariaDB schema. */
export async function createTestDatabase(type: 'sqlite' | 'mysql' = TEST_DB): Promise<TestDatabase> {
  if (type === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-test-'));
    const path = join(dir, 'test.sqlite');
    return {
      env: { DB_TYPE: 'sqlite', DB_PATH: path },
      database: { type: 'sqlite', path },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const mysql = await import('mysql2/promise');
  const name = `oauth_test_${process.pid}_${Date.now()}_${counter++}`;
  const admin = await mysql.createConnection(mysqlServer);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    env: {
      DB_TYPE: 'mysql',
      DB_HOST: mysqlServer.host,
      DB_PORT: String(mysqlServer.port),
      DB_USERNAME: mysqlServer.user,
      DB_PASSWORD: mysqlServer.password,
      DB_NAME: name,
      KEY_ENCRYPTION_SECRET: 'key-encryption-secret-for-the-test-suites',
    },
    database: { type: 'mysql', host: mysqlServer.host, port: mysqlServer.port, username: mysqlServer.user, password: mysqlServer.password, database: name },
    drop: async () => {
      const conn = await mysql.createConnection(mysqlServer);
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}
