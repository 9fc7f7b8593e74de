import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { currentRequestContext } from '../../common/http/request-context';
import { abandonable, AbandonedError, untilAbandoned } from './abandon';
import { insertStatements, type InsertBatch } from '../rows/insert-rows';
import { dialectOf, type Dialect } from '../dialects';
import type { RawConnection, RawPool, SqlStatement } from '../dialects/dialect';

/** Sends one round of statements in one round trip; answers the affected-row count of each. */
export type SendStatements = (statements: readonly SqlStatement[]) => Promise<number[]>;

/**
 * Connections of the multi-statement pool (where the dialect has one): the batches that run
 * pipelined() at once, as many as the token store's and the audit service's batches in flight
 * (4 + 2), so that none waits for a connection behind another.
 */
const PIPELINE_POOL_SIZE = 6;

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
  private pipelinePool?: RawPool;

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
   * insertRows() would, for the requests of `signals` (see abandonable). Where the runner
   * pipelines (MySQL), in two round trips instead of four through TypeORM's query runner
   * (profiled: most of the CPU a token batch cost beyond its INSERTs): `START TRANSACTION; INSERT
   * ...; INSERT ...`, then `COMMIT` (see pipelined). Where the dialect combines INSERTs into one
   * statement (PostgreSQL), in one transaction of three round trips: BEGIN, the statement, COMMIT.
   */
  async insertAll(batches: readonly InsertBatch[], signals: readonly (AbortSignal | undefined)[] = []): Promise<void> {
    const statements = insertStatements(this.dataSource.manager, batches);
    if (statements.length === 0) return;
    if (this.pipelines) {
      await this.pipelined(signals, (send) => send(statements));
      return;
    }
    await this.run((manager) =>
      abandonable(manager, signals, async () => {
        for (const { sql, parameters } of statements) await manager.query(sql, parameters);
      }),
    );
  }

  /** Whether pipelined() can run: the dialect has a pool of multi-statement connections (MySQL). */
  get pipelines(): boolean {
    return this.dialect.multiStatementPool !== undefined;
  }

  /**
   * A transaction for the requests of `signals` (see abandonable) whose statements go several to
   * a round trip: `body` sends them in rounds through `send`, one after another, each round one
   * multi-statement query on a connection of a pool of its own (the server stops at a failing
   * statement), the first prefixed with START TRANSACTION; `send` answers each statement's
   * affected-row count (mysql2 reports found rows, CLIENT_FOUND_ROWS: for a conditional UPDATE
   * that sets what its WHERE clause tests, the rows it changed). Once `body` returns, `COMMIT`
   * goes alone. On a failure or an abort before the COMMIT the connection is closed, so the server
   * rolls the transaction back. The COMMIT is not in the last round on purpose: the server would
   * run it even after the connection was closed while a statement before it waited on a lock (a
   * 503 must leave no token). Only statements that return no rows, their values as placeholders,
   * run on that pool. Callers check `pipelines` first.
   */
  async pipelined<T>(signals: readonly (AbortSignal | undefined)[], body: (send: SendStatements) => Promise<T>): Promise<T> {
    const live = signals.filter((signal): signal is AbortSignal => signal !== undefined);
    if (live.some((signal) => signal.aborted)) throw new AbandonedError();
    const connection = await this.pipelineConnection();
    const query = (text: string, values: unknown[]) =>
      new Promise<unknown>((resolve, reject) => {
        // Reported as TypeORM reports its own statements: query logging and reviews see these too.
        this.dataSource.logger.logQuery(text, values);
        connection.query(text, values, (error, results) => (error ? reject(new QueryFailedError(text, values, error)) : resolve(results)));
      });
    let begun = false;
    const send: SendStatements = async (statements) => {
      if (statements.length === 0) return [];
      const opening = begun ? [] : ['START TRANSACTION'];
      begun = true;
      const results = await query(
        [...opening, ...statements.map((statement) => statement.sql)].join(';\n'),
        statements.flatMap((statement) => statement.parameters),
      );
      // One result per statement, or a lone one for a query of one statement.
      const counts = (Array.isArray(results) ? results : [results]).map((result) => Number((result as { affectedRows?: unknown }).affectedRows ?? 0));
      return counts.slice(opening.length);
    };
    let result: T;
    try {
      // Also refused, before anything is sent, when a request was answered 503 while the batch
      // waited for a connection (untilAbandoned checks the signals first). The catch below closes
      // the connection.
      result = await untilAbandoned(
        live,
        () => undefined,
        () => body(send),
      );
      // Sent only now: an abort up to here closes the connection, and the server, reading the close
      // where it expects the next command, rolls the transaction back. An abort during the COMMIT
      // cannot stop it, as with abandonable().
      if (live.some((signal) => signal.aborted)) throw new AbandonedError();
      if (begun) await query('COMMIT', []);
    } catch (error) {
      // A connection that was sent nothing goes back to the pool; one inside a transaction is closed.
      if (begun) connection.destroy();
      else connection.release();
      throw error;
    }
    connection.release();
    return result;
  }

  async onModuleDestroy(): Promise<void> {
    const pool = this.pipelinePool;
    this.pipelinePool = undefined;
    if (pool) await new Promise<void>((resolve) => pool.end(() => resolve()));
  }

  private pipelineConnection(): Promise<RawConnection> {
    const { dialect, dataSource } = this;
    const pool = (this.pipelinePool ??= dialect.multiStatementPool!(dataSource, PIPELINE_POOL_SIZE));
    const adopt = (connection: RawConnection) => (dialect.adoptConnection ? dialect.adoptConnection(dataSource, connection) : connection);
    return new Promise((resolve, reject) => pool.getConnection((error, connection) => (error ? reject(error) : resolve(adopt(connection)))));
  }
}
