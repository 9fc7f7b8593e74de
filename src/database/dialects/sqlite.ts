import type { DatabaseErrorKind, Dialect, DriverError } from './dialect';
import { spendStatement } from './spend-statement';

const DUPLICATE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
/** Another process holds the write lock past busy_timeout, or wrote since this transaction's snapshot. */
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

/** Embedded SQLite (better-sqlite3): one connection for the whole process. */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  parameter: () => '?',
  // Two concurrent TypeORM transactions on the one connection would nest as savepoints of each other.
  canStore: () => true,
  serialisesTransactions: true,
  updatesMissRowsCommittedWhileWaiting: false,

  /**
   * One conditional UPDATE ... RETURNING, so the transaction starts with a write and takes the
   * write lock at once: one that starts with a read cannot be upgraded once another process has
   * written (SQLITE_BUSY_SNAPSHOT).
   */
  async spend(manager, target, ids, now) {
    const rows = (await manager.query(`${spendStatement(this, target, ids.length)} RETURNING ${target.id} AS id`, [now, ...ids])) as { id: string }[];
    return rows.map((row) => row.id);
  },

  // Local transactions: a request answered 503 fails the body before COMMIT (abandon.ts).
  connectionCloser: () => undefined,

  insertIfAbsentStatement(table, columns) {
    return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`;
  },

  classify(error: DriverError): DatabaseErrorKind | undefined {
    const code = typeof error.code === 'string' ? error.code : '';
    if (DUPLICATE.has(code)) return 'duplicate_key';
    if (BUSY.has(code)) return 'unavailable';
    return undefined;
  },
};
