import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as mysql2 from 'mysql2';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { hostListDriver } from './dialects/mysql-pool';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** Statements mysql2 keeps prepared per connection (it prepares only for `execute`, which nothing here calls). */
export const PREPARED_STATEMENT_CACHE = 16;

/** The one DataSource definition, used by AppModule and by ormconfig.ts (TypeORM CLI). */
export function dataSourceOptions(config: Pick<AppConfig, 'database'>): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: ['error', 'migration'] as ('error' | 'migration')[],
  };
  const db = config.database;
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      // WAL lets readers proceed while a writer commits; busy_timeout waits instead of failing.
      prepareDatabase: (sqlite: { pragma(source: string): unknown }) => {
        sqlite.pragma('journal_mode = WAL');
        sqlite.pragma('busy_timeout = 5000');
      },
    };
  }
  if (db.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      host: db.host,
      port: db.port,
      username: db.username,
      password: db.password,
      database: db.database,
      ssl: db.ssl ?? false,
      connectTimeoutMS: 5000,
      extra: { max: 20 },
    };
  }
  return {
    ...common,
    type: 'mysql',
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
    database: db.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    connectTimeout: 5000,
    ...(db.ssl ? { ssl: db.ssl } : {}),
    extra: {
      // Per host: with several, an instance holds up to this many connections to each node it used.
      connectionLimit: 20,
      // TypeORM sends text queries, never prepared statements; mysql2's cache for them would still
      // allocate its 16,000 slots on every connection (11 MB of heap for 20 connections, 1.2 MB so).
      maxPreparedStatements: PREPARED_STATEMENT_CACHE,
    },
    driver: hostListDriver(mysql2, { hosts: db.hosts ?? [{ host: db.host, port: db.port }], galeraSyncWait: db.galeraSyncWait ?? 1 }),
  };
}
