import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source.options';

/**
 * Which database the e2e suites run on: TEST_DB=sqlite (default), TEST_DB=mysql (the running
 * MariaDB) or TEST_DB=postgres (the running PostgreSQL).
 */
export const TEST_DB: 'sqlite' | 'mysql' | 'postgres' = process.env.TEST_DB === 'mysql' || process.env.TEST_DB === 'postgres' ? process.env.TEST_DB : 'sqlite';

/** The database server the multi-process suites (test/resilience) run on: PostgreSQL when TEST_DB=postgres, else MariaDB. */
export const SERVER_DB: 'mysql' | 'postgres' = TEST_DB === 'postgres' ? 'postgres' : 'mysql';

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

const postgresServer = {
  host: process.env.TEST_POSTGRES_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_POSTGRES_PORT ?? 5432),
  user: process.env.TEST_POSTGRES_USER ?? 'postgres',
  password: process.env.TEST_POSTGRES_PASSWORD ?? '',
};

let counter = 0;

/** A new, empty database for one suite: a temporary SQLite file, or a fresh MariaDB or PostgreSQL database. */
export async function createTestDatabase(type: 'sqlite' | 'mysql' | 'postgres' = TEST_DB): Promise<TestDatabase> {
  if (type === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-test-'));
    const path = join(dir, 'test.sqlite');
    return {
      env: { DB_TYPE: 'sqlite', DB_PATH: path },
      database: { type: 'sqlite', path },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `oauth_test_${process.pid}_${Date.now()}_${counter++}`;
  if (type === 'postgres') return createPostgresDatabase(name);
  const mysql = await import('mysql2/promise');
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

/** Runs one statement as the PostgreSQL superuser, outside any database of the suites. */
async function asPostgresAdmin(sql: string): Promise<void> {
  const { Client } = await import('pg');
  const admin = new Client({ ...postgresServer, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function createPostgresDatabase(name: string): Promise<TestDatabase> {
  await asPostgresAdmin(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  return {
    env: {
      DB_TYPE: 'postgres',
      DB_HOST: postgresServer.host,
      DB_PORT: String(postgresServer.port),
      DB_USERNAME: postgresServer.user,
      DB_PASSWORD: postgresServer.password,
      DB_NAME: name,
      KEY_ENCRYPTION_SECRET: 'key-encryption-secret-for-the-test-suites',
    },
    database: {
      type: 'postgres',
      host: postgresServer.host,
      port: postgresServer.port,
      username: postgresServer.user,
      password: postgresServer.password,
      database: name,
    },
    // WITH (FORCE): a server process a suite killed may not have closed its connections yet.
    drop: () => asPostgresAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * An initialised DataSource on `database` with only `entities`, their tables made by synchronize
 * (no migrations): for specs of database code on rows of their own.
 */
export async function entityDataSource(database: TestDatabase, entities: NonNullable<DataSourceOptions['entities']>): Promise<DataSource> {
  return new DataSource({
    ...dataSourceOptions({ database: database.database }),
    entities,
    migrations: [],
    migrationsRun: false,
    synchronize: true,
  } as DataSourceOptions).initialize();
}
