import type { DataSource, EntityManager } from 'typeorm';
import type { DatabaseErrorKind } from '../../common/database/database-error-kind';
import type { AppConfig } from '../../config/app-config';

export type { DatabaseErrorKind };

/** A networked database's connection settings, as configured. */
export type ServerDatabase = Exclude<AppConfig['database'], { type: 'sqlite' }>;

/** A server database's address and credentials, named as mysql2 and pg both take them. */
export function connectionSettings(database: ServerDatabase): { host: string; port: number; user: string; password: string; database: string } {
  return { host: database.host, port: database.port, user: database.username, password: database.password, database: database.database };
}

/** The outcome of a start-up connection attempt (startup-checks.ts words the failure). */
export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly reason: 'no_database' | 'denied' | 'unreachable'; readonly detail: string };

/** One kind of single-use row and how it is spent: columns NULL while unspent, one set to the time of use. */
export interface SpendTarget {
  readonly table: string;
  readonly id: string;
  readonly unspent: readonly string[];
  readonly spent: string;
}

/** One statement, its values bound as placeholders. */
export interface SqlStatement {
  readonly sql: string;
  readonly parameters: unknown[];
}

/**
 * One id spent by one statement whose affected-row count says whether it spent it. The statement
 * returns no rows, so a caller may send several in one round trip and read each one's count.
 */
export interface SpendOne {
  /** The conditional UPDATE that spends `id` at `now` unless it is spent. */
  statement(target: SpendTarget, id: string, now: number): SqlStatement;
  /** Whether that statement spent its id, from its affected-row count. */
  spent(affectedRows: number): boolean;
}

/** The part of a pool of multi-statement connections that TransactionRunner.pipelined() uses. */
export interface RawConnection {
  /** `results`: one per statement of a multi-statement query (mysql2's ResultSetHeader for those that return no rows). */
  query(sql: string, values: unknown[], callback: (error: Error | null, results?: unknown) => void): void;
  release(): void;
  destroy(): void;
}
export interface RawPool {
  getConnection(callback: (error: Error | null, connection: RawConnection) => void): void;
  end(callback: () => void): void;
}

/** Pool connections in use, idle, and requests waiting for one. */
export interface PoolState {
  readonly inUse: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * Everything that differs between the databases the server runs on. Code outside src/database/
 * never asks which database it is; it asks the dialect (index.ts picks it from the DataSource).
 */
export interface Dialect {
  readonly name: 'sqlite' | 'mysql' | 'postgres';
  /** The `index`-th (1-based) bound parameter of a statement: `?` or `$1`. */
  parameter(index: number): string;
  /** Whether a text column can hold `value` (PostgreSQL refuses NUL characters). */
  canStore(value: string): boolean;
  /** One connection shared by the whole process: transactions must run one after another. */
  readonly serialisesTransactions: boolean;
  /**
   * Whether an UPDATE that waited for a row lock may miss rows committed meanwhile by the
   * transaction it waited for: PostgreSQL's READ COMMITTED evaluates a statement against the
   * rows committed when it began (it re-checks only the rows it found), where InnoDB's locking
   * reads see the latest committed rows. A revocation that must reach every such row runs again.
   */
  readonly updatesMissRowsCommittedWhileWaiting: boolean;
  /**
   * Spends the unspent rows among `ids` in the caller's transaction, atomically against every
   * other transaction on any instance, and returns the ids it spent (each at most once, ever).
   */
  spend(manager: EntityManager, target: SpendTarget, ids: readonly string[], now: number): Promise<string[]>;
  /**
   * How spend() spends one id where it reads the affected-row count of one UPDATE (MySQL, whose
   * UPDATE has no RETURNING), for callers that send the statement themselves
   * (TransactionRunner.pipelined); undefined where spend() reads back the ids it spent.
   */
  readonly spendOne?: SpendOne;
  /**
   * An INSERT of one row (`columns`, parameters in that order) that does nothing, and raises no
   * error, when the row's primary key is taken: the caller reads the affected-row count.
   */
  insertIfAbsentStatement(table: string, columns: readonly string[]): string;
  /**
   * Closes the connection of `manager`'s transaction at once, so the server rolls it back; undefined
   * where transactions are local to the process (nothing to close, see abandon.ts).
   */
  connectionCloser(manager: EntityManager): (() => void) | undefined;
  /**
   * One statement doing all of `inserts` (their parameters numbered on from one another), where
   * the database has one (PostgreSQL: data-modifying WITH): one round trip instead of one each.
   */
  combineInserts?(inserts: readonly string[]): string;
  /** A pool whose connections take several statements in one round trip, when the driver has one. */
  multiStatementPool?(dataSource: DataSource, size: number): RawPool;
  /** Adopts a connection of that pool as the driver adopts its own (error handlers). */
  adoptConnection?(dataSource: DataSource, connection: RawConnection): RawConnection;
  /** What a driver error means, or undefined when it is none of the kinds (a bug: 500). */
  classify(error: DriverError): DatabaseErrorKind | undefined;
  /** Connects once with `database`'s settings, for the start-up checks. */
  probe?(database: ServerDatabase): Promise<ProbeResult>;
  /** The connection pool's state, for the metrics, where the driver exposes it. */
  poolState?(dataSource: DataSource): PoolState | undefined;
}

/** The fields of a driver's error that classification reads. */
export interface DriverError {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly message?: unknown;
}
