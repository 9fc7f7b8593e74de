import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityMetadata, ObjectLiteral, QueryFailedError } from 'typeorm';
import { currentRequestContext } from '../../common/http/request-context';
import { abandonable, AbandonedError, untilAbandoned } from './abandon';
import { insertStatement } from '../rows/insert-rows';
import { dialectOf, type Dialect } from '../dialects';
import type { RawConnection, RawPool } from '../dialects/dialect';

/** Rows for one table of insertAll(). */
export interface InsertBatch {
  readonly metadata: EntityMetadata;
  readonly rows: readonly ObjectLiteral[];
}

/** Connections of the multi-statement pool (where the dialect has one): the batches that run insertAll() at once. */
const INSERT_POOL_SIZE = 4;

/**
 * Runs a unit of work in a transaction. SQLite runs on one shared connection, where two concurrent
 * TypeORM transactions would nest as savepoints of each other; there they run one after another.
 * MySQL and PostgreSQL give every transaction its own pooled connection, so they run concurrently.
 */
@Injectable()
export class TransactionRunner implements OnModuleDestroy {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly serialise: boolean;
  private readonly dialect: Dialect;
  /** A small pool of its own whose connections accept several statements in one query (MySQL). */
  private insertPool?: RawPool;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
    this.serialise = this.dialect.serialisesTransactions;
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialise) return this.dataSource.transaction(work);
    const result = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * A transaction tied to the request it serves: if that request is answered 503 on timeout first,
   * the transaction is rolled back (or never started), so the 503 means nothing happened.
   * Only a COMMIT already sent may still go through. `afterwards` (dropping the caches of what
   * it wrote) runs once it is over, committed or not: after a failure, caches may hold what the
   * transaction's connection showed (SQLite's is shared) or a COMMIT whose answer was lost.
   */
  async runForRequest<T>(work: (manager: EntityManager) => Promise<T>, afterwards?: () => Promise<void>): Promise<T> {
    const abandoned = currentRequestContext()?.abandoned;
    try {
      return await this.run((manager) => abandonable(manager, [abandoned], () => work(manager)));
    } finally {
      if (afterwards) await afterwards();
    }
  }

  /**
   * Multi-row INSERTs into several tables that commit together or not at all, as run() with
   * insertRows() would, for the requests of `signals` (see abandonable). Where the dialect has a
   * multi-statement pool (MySQL), in two round trips
   * instead of four through TypeORM's query runner (profiled: most of the CPU a token batch cost
   * beyond its INSERTs): `START TRANSACTION; INSERT ...; INSERT ...` as one multi-statement query on
   * a connection of a pool of its own (the server stops at a failing statement), then `COMMIT`. On a
   * failure or an abort before the COMMIT the connection is closed, so the server rolls the
   * transaction back. The COMMIT is not in the first query on purpose: the server would run it even
   * after the connection was closed while an INSERT waited on a lock (a 503 must leave no token).
   * Only SQL built by insertStatement() (values as placeholders) runs on that pool. Where the
   * dialect combines INSERTs into one statement (PostgreSQL), in one transaction of three round
   * trips: BEGIN, the statement, COMMIT.
   */
  async insertAll(batches: readonly InsertBatch[], signals: readonly (AbortSignal | undefined)[] = []): Promise<void> {
    const { combineInserts } = this.dialect;
    const statements: { sql: string; parameters: unknown[] }[] = [];
    let first = 1;
    for (const batch of batches.filter((b) => b.rows.length > 0)) {
      statements.push(insertStatement(this.dataSource.manager, batch.metadata, batch.rows, first));
      // Combined statements number their parameters on from one another.
      if (combineInserts) first += statements.at(-1)!.parameters.length;
    }
    if (statements.length === 0) return;
    if (combineInserts) {
      // PostgreSQL: BEGIN, one statement, COMMIT, with abandonment as for any transaction.
      const sql = combineInserts(statements.map((statement) => statement.sql));
      const parameters = statements.flatMap((statement) => statement.parameters);
      await this.run((manager) => abandonable(manager, signals, () => manager.query(sql, parameters)));
      return;
    }
    if (!this.dialect.multiStatementPool) {
      return this.run((manager) =>
        abandonable(manager, signals, async () => {
          for (const { sql, parameters } of statements) await manager.query(sql, parameters);
        }),
      );
    }
    const live = signals.filter((signal): signal is AbortSignal => signal !== undefined);
    if (live.some((signal) => signal.aborted)) throw new AbandonedError();
    const sql = ['START TRANSACTION', ...statements.map((statement) => statement.sql)].join(';\n');
    const parameters = statements.flatMap((statement) => statement.parameters);
    const connection = await this.insertConnection();
    const query = (text: string, values: unknown[]) =>
      new Promise<void>((resolve, reject) => {
        // Reported as TypeORM reports its own statements: query logging and reviews see these too.
        this.dataSource.logger.logQuery(text, values);
        connection.query(text, values, (error) => (error ? reject(new QueryFailedError(text, values, error)) : resolve()));
      });
    try {
      // Also refused, before anything is sent, when a request was answered 503 while the batch
      // waited for a connection (untilAbandoned checks the signals first). The catch below closes
      // the connection.
      await untilAbandoned(
        live,
        () => undefined,
        () => query(sql, parameters),
      );
      // Sent only now: an abort up to here closes the connection, and the server, reading the close
      // where it expects the next command, rolls the transaction back. An abort during the COMMIT
      // cannot stop it, as with abandonable().
      await query('COMMIT', []);
    } catch (error) {
      connection.destroy();
      throw error;
    }
    connection.release();
  }

  async onModuleDestroy(): Promise<void> {
    const pool = this.insertPool;
    this.insertPool = undefined;
    if (pool) await new Promise<void>((resolve) => pool.end(() => resolve()));
  }

  private insertConnection(): Promise<RawConnection> {
    const { dialect, dataSource } = this;
    const pool = (this.insertPool ??= dialect.multiStatementPool!(dataSource, INSERT_POOL_SIZE));
    const adopt = (connection: RawConnection) => (dialect.adoptConnection ? dialect.adoptConnection(dataSource, connection) : connection);
    return new Promise((resolve, reject) => pool.getConnection((error, connection) => (error ? reject(error) : resolve(adopt(connection)))));
  }
}
