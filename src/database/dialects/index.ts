import type { DataSource, EntityManager } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import type { DatabaseErrorKind, Dialect, DriverError } from './dialect';
import { mysqlDialect } from './mysql';
import { postgresDialect } from './postgres';
import { sqliteDialect } from './sqlite';

export type { DatabaseErrorKind, Dialect } from './dialect';

const BY_CONFIG: Record<AppConfig['database']['type'], Dialect> = { sqlite: sqliteDialect, mysql: mysqlDialect, postgres: postgresDialect };
/** TypeORM's driver names. */
const BY_DRIVER: Record<string, Dialect> = { 'better-sqlite3': sqliteDialect, mysql: mysqlDialect, postgres: postgresDialect };

/** The dialect of the configured database. */
export function dialectOfConfig(type: AppConfig['database']['type']): Dialect {
  return BY_CONFIG[type];
}

/** The dialect of the database `source` (a DataSource or an EntityManager) is connected to. */
export function dialectOf(source: DataSource | EntityManager): Dialect {
  const options = 'connection' in source ? source.connection.options : source.options;
  const dialect = BY_DRIVER[options.type];
  if (!dialect) throw new Error(`no dialect for the TypeORM driver ${options.type}`);
  return dialect;
}

/** Network failures below any driver: the database cannot be reached right now. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** TypeORM's own errors when it has no connection to run a statement on. */
const NOT_CONNECTED = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError']);

/**
 * What a failed database operation means (see DatabaseErrorKind), or undefined for anything else.
 * Every dialect is asked: their codes do not overlap (mysql2 names, SQLITE_ names, five-character
 * SQLSTATEs), and an error is classified where no DataSource is at hand (the exception filter).
 */
export function classifyDatabaseError(error: unknown): DatabaseErrorKind | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const outer = error as DriverError & { name?: unknown; driverError?: DriverError; databaseErrorKind?: DatabaseErrorKind };
  // Errors of the database module that know their meaning (AbandonedError).
  if (outer.databaseErrorKind) return outer.databaseErrorKind;
  if (typeof outer.name === 'string' && NOT_CONNECTED.has(outer.name)) return 'unavailable';
  const driverError: DriverError = outer.driverError ?? outer;
  if (typeof driverError.code === 'string' && NETWORK_CODES.has(driverError.code)) return 'unavailable';
  if (typeof driverError.message === 'string' && /connect ETIMEDOUT/.test(driverError.message)) return 'unavailable';
  for (const dialect of [mysqlDialect, postgresDialect, sqliteDialect]) {
    const kind = dialect.classify(driverError);
    if (kind) return kind;
  }
  return undefined;
}

/** A unique or primary key was taken (by another request, between a check and the write). */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof QueryFailedError && classifyDatabaseError(error) === 'duplicate_key';
}

/** The database rolled the transaction back to break a deadlock or a serialization conflict: run it again. */
export function isRetryable(error: unknown): boolean {
  return classifyDatabaseError(error) === 'retry';
}
