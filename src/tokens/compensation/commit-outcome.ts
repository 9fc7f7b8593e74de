import { AbandonedError } from '../../database/unit-of-work/abandon';

/** The fields of a driver error that tell a server's answer from a lost connection. */
interface DriverFields {
  readonly code?: unknown;
  readonly sqlState?: unknown;
  readonly fatal?: unknown;
  readonly severity?: unknown;
}

/**
 * PostgreSQL SQLSTATE classes that end the connection rather than the statement: 08 (connection
 * exception) and 57P01-57P03 (the server shutting down or unable to continue). A COMMIT failing so
 * may have committed (PostgreSQL §55.2.9: the outcome of a COMMIT whose connection is lost is unknown).
 */
const POSTGRES_CONNECTION_LOST = /^(08...|57P0[1-3])$/;

/**
 * Whether a transaction that failed with `error` may nevertheless have committed: true unless the
 * database itself answered with an error (it then rolled the statement, and with it the transaction,
 * back: a deadlock, a Galera certification failure, a constraint) or the transaction was abandoned
 * before its COMMIT was sent (abandon.ts closes the connection first). A connection lost, reset or
 * timed out has no answer: the COMMIT may have reached the database and run.
 */
export function commitOutcomeUnknown(error: unknown): boolean {
  if (error instanceof AbandonedError) return false;
  if (!error || typeof error !== 'object') return true;
  const outer = error as DriverFields & { driverError?: DriverFields };
  const driver = outer.driverError ?? outer;
  // SQLite commits in the process: a failing COMMIT did not commit.
  if (typeof driver.code === 'string' && driver.code.startsWith('SQLITE_')) return false;
  // mysql2: an error packet from the server carries its SQLSTATE and leaves the connection usable.
  if (typeof driver.sqlState === 'string' && driver.fatal !== true) return false;
  // pg: an ErrorResponse carries a severity and a SQLSTATE.
  if (typeof driver.severity === 'string' && typeof driver.code === 'string') return POSTGRES_CONNECTION_LOST.test(driver.code);
  return true;
}
