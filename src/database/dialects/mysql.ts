import type { DataSource } from 'typeorm';
import { connectionSettings } from './dialect';
import type { DatabaseErrorKind, Dialect, DriverError, PoolState, ProbeResult, RawConnection, RawPool, ServerDatabase, SpendOne } from './dialect';
import { HostListPool } from './mysql-pool';
import { spendStatement, unspentAmong } from './spend-statement';

/** mysql2 error codes that mean "the database cannot work for us right now", not "a bug". */
const UNAVAILABLE = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'POOL_CLOSED',
]);

/**
 * One input: one conditional UPDATE, whose affected-row count (0 or 1) says whether it spent it.
 * InnoDB's UPDATE is a locking read of the latest committed row version: a concurrent transaction
 * on the same node (any instance) waits for this one's lock, then finds the row spent; one on
 * another Galera node fails certification at COMMIT (retried).
 */
const spendOne: SpendOne = {
  statement: (target, id, now) => ({ sql: spendStatement(mysqlDialect, target, 1), parameters: [now, id] }),
  spent: (affectedRows) => affectedRows === 1,
};

/** MySQL 8 / MariaDB through mysql2: a pool of connections, one per transaction. */
export const mysqlDialect: Dialect = {
  name: 'mysql',
  parameter: () => '?',
  canStore: () => true,
  serialisesTransactions: false,
  updatesMissRowsCommittedWhileWaiting: false,
  spendOne,

  /**
   * One input: spendOne. Several: the unspent ones are read with row locks first, then marked in
   * one UPDATE, since one count cannot tell which rows it spent.
   */
  async spend(manager, target, ids, now) {
    if (ids.length === 1) {
      const { sql, parameters } = spendOne.statement(target, ids[0], now);
      // TypeORM answers an UPDATE on MySQL with mysql2's ResultSetHeader.
      const { affectedRows } = (await manager.query(sql, parameters)) as { affectedRows: number };
      return spendOne.spent(affectedRows) ? [ids[0]] : [];
    }
    const locked = (await manager.query(`SELECT ${target.id} AS id FROM ${target.table} WHERE ${unspentAmong(this, target, ids.length)} FOR UPDATE`, [
      ...ids,
    ])) as { id: string }[];
    const spendable = locked.map((row) => row.id);
    if (spendable.length > 0) await manager.query(spendStatement(this, target, spendable.length), [now, ...spendable]);
    return spendable;
  },

  connectionCloser(manager) {
    const connection = (manager.queryRunner as { databaseConnection?: { destroy?: () => void } } | undefined)?.databaseConnection;
    return typeof connection?.destroy === 'function' ? () => connection.destroy!() : undefined;
  },

  multiStatementPool(dataSource: DataSource, size: number): RawPool {
    // The same connection options as TypeORM's own pool (credentials, TLS, charset, timezone, extra).
    const driver = dataSource.driver as unknown as {
      options: unknown;
      mysql: { createPool(options: object): RawPool };
      createConnectionOptions(options: unknown, credentials: unknown): object;
    };
    const options = driver.createConnectionOptions(driver.options, driver.options);
    return driver.mysql.createPool({ ...options, multipleStatements: true, connectionLimit: size });
  },

  adoptConnection(dataSource: DataSource, connection: RawConnection): RawConnection {
    // TypeORM's handler for errors of idle connections (a restarted server), which would otherwise
    // go unhandled and stop the process.
    return (dataSource.driver as unknown as { prepareDbConnection(connection: RawConnection): RawConnection }).prepareDbConnection(connection);
  },

  // IGNORE also turns other errors of this row into warnings; the callers insert fixed-width values.
  insertIfAbsentStatement(table, columns) {
    return `INSERT IGNORE INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  },

  classify(error: DriverError): DatabaseErrorKind | undefined {
    const code = typeof error.code === 'string' ? error.code : '';
    if (code === 'ER_DUP_ENTRY') return 'duplicate_key';
    // InnoDB (or a Galera certification failure, at COMMIT or when a replicated write aborts a
    // local transaction) rolled the transaction back: nothing happened.
    if (code === 'ER_LOCK_DEADLOCK') return 'retry';
    // A Galera node outside the primary component (or still joining) refuses every statement: it
    // did nothing, and the pool moves to another node for the next connection.
    if (code === 'ER_UNKNOWN_COM_ERROR' && typeof error.message === 'string' && error.message.includes('WSREP')) return 'unavailable';
    if (UNAVAILABLE.has(code)) return 'unavailable';
    if (typeof error.message === 'string' && /Connection lost|Pool is closed|Can't add new command when connection is in closed state/i.test(error.message)) {
      return 'unavailable';
    }
    return undefined;
  },

  /** Any host of the list will do: the pool moves to the next one that answers. */
  async probe(database: ServerDatabase): Promise<ProbeResult> {
    let result: ProbeResult = { ok: false, reason: 'unreachable', detail: 'no host' };
    for (const host of database.hosts ?? [database]) {
      result = await probeHost({ ...database, host: host.host, port: host.port });
      if (result.ok) return result;
    }
    return result;
  },

  poolState(dataSource: DataSource): PoolState | undefined {
    const pool = (dataSource.driver as unknown as { pool?: unknown }).pool;
    return pool instanceof HostListPool ? pool.state() : undefined;
  },
};

async function probeHost(database: ServerDatabase): Promise<ProbeResult> {
  const mysql = await import('mysql2/promise');
  try {
    const connection = await mysql.createConnection({
      ...connectionSettings(database),
      connectTimeout: 2000,
      ...(database.ssl ? { ssl: database.ssl } : {}),
    });
    await connection.end();
    return { ok: true };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (code === 'ER_BAD_DB_ERROR') return { ok: false, reason: 'no_database', detail: code };
    if (code.startsWith('ER_ACCESS_DENIED') || code === 'ER_DBACCESS_DENIED_ERROR') return { ok: false, reason: 'denied', detail: code };
    return { ok: false, reason: 'unreachable', detail: code || (error as Error).message };
  }
}
