import type { DataSource } from 'typeorm';
import { connectionSettings } from './dialect';
import type { DatabaseErrorKind, Dialect, DriverError, PoolState, ProbeResult, ServerDatabase } from './dialect';
import { spendStatement } from './spend-statement';

/**
 * SQLSTATEs (PostgreSQL Appendix A) by what they mean for the request. CockroachDB answers
 * serialization conflicts with 40001 as well.
 */
const SQLSTATE: Record<string, DatabaseErrorKind> = {
  '23505': 'duplicate_key', // unique_violation
  '40001': 'retry', // serialization_failure
  '40P01': 'retry', // deadlock_detected
  '08000': 'unavailable', // connection_exception
  '08001': 'unavailable', // sqlclient_unable_to_establish_sqlconnection
  '08003': 'unavailable', // connection_does_not_exist
  '08004': 'unavailable', // sqlserver_rejected_establishment_of_sqlconnection
  '08006': 'unavailable', // connection_failure
  '53300': 'unavailable', // too_many_connections
  '55P03': 'unavailable', // lock_not_available (lock_timeout)
  '57014': 'unavailable', // query_canceled (statement_timeout)
  '57P01': 'unavailable', // admin_shutdown
  '57P02': 'unavailable', // crash_shutdown
  '57P03': 'unavailable', // cannot_connect_now (starting up, or a standby in recovery)
  '22021': 'invalid_input', // character_not_in_repertoire: a NUL in text ("invalid byte sequence 0x00")
  '22P05': 'invalid_input', // untranslatable_character: \u0000 in JSON text
};

/** node-postgres' own errors (no SQLSTATE) when the connection or the pool is gone. */
const CONNECTION_LOST =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|Client was closed and is not queryable/i;

/** The part of a node-postgres client that closing its connection uses. */
interface PgClient {
  readonly connection?: { readonly stream?: { destroy(): void } };
}

/** The node-postgres pool behind TypeORM's postgres driver. */
interface PgPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/** PostgreSQL 15+ through node-postgres (`pg`): a pool of connections, one per transaction. */
export const postgresDialect: Dialect = {
  name: 'postgres',
  parameter: (index) => `$${index}`,
  // A NUL character cannot be stored, so no stored key contains one (22021 otherwise).
  canStore: (value) => !value.includes('\0'),
  serialisesTransactions: false,
  updatesMissRowsCommittedWhileWaiting: true,

  /**
   * One conditional UPDATE ... RETURNING. Under READ COMMITTED a concurrent UPDATE of the same row
   * (any instance) waits for its lock, then re-checks the WHERE clause on the committed row and
   * skips it as spent; a serializable or CockroachDB transaction fails with 40001 instead (retried).
   */
  async spend(manager, target, ids, now) {
    // TypeORM answers an UPDATE on PostgreSQL with [rows, affected count].
    const [rows] = (await manager.query(`${spendStatement(this, target, ids.length)} RETURNING ${target.id} AS id`, [now, ...ids])) as [
      { id: string }[],
      number,
    ];
    return rows.map((row) => row.id);
  },

  // Each INSERT of a WITH runs exactly once, all in the one statement's snapshot (PostgreSQL manual, 7.8.4).
  combineInserts(inserts) {
    const last = inserts.length - 1;
    return last === 0
      ? inserts[0]
      : `WITH ${inserts
          .slice(0, last)
          .map((sql, i) => `i${i} AS (${sql})`)
          .join(', ')} ${inserts[last]}`;
  },

  connectionCloser(manager) {
    const client = (manager.queryRunner as { databaseConnection?: PgClient } | undefined)?.databaseConnection;
    const stream = client?.connection?.stream;
    // The server rolls back a transaction whose connection closed before COMMIT.
    return stream ? () => stream.destroy() : undefined;
  },

  insertIfAbsentStatement(table, columns) {
    return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING`;
  },

  classify(error: DriverError): DatabaseErrorKind | undefined {
    if (typeof error.code === 'string' && SQLSTATE[error.code]) return SQLSTATE[error.code];
    if (typeof error.message === 'string' && CONNECTION_LOST.test(error.message)) return 'unavailable';
    return undefined;
  },

  async probe(database: ServerDatabase): Promise<ProbeResult> {
    const { Client } = await import('pg');
    const client = new Client({
      ...connectionSettings(database),
      connectionTimeoutMillis: 2000,
      ssl: database.ssl ?? false,
    });
    // A connection that fails after connecting reports here rather than as an unhandled event.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return { ok: true };
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? '');
      if (code === '3D000') return { ok: false, reason: 'no_database', detail: code };
      if (code === '28P01' || code === '28000') return { ok: false, reason: 'denied', detail: code };
      return { ok: false, reason: 'unreachable', detail: code || (error as Error).message };
    } finally {
      await client.end().catch(() => undefined);
    }
  },

  poolState(dataSource: DataSource): PoolState | undefined {
    const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
    if (!pool) return undefined;
    return { inUse: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount };
  },
};
