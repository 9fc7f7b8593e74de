import type { EntityManager } from 'typeorm';
import type { DatabaseErrorKind } from '../../common/database/database-error-kind';
import { dialectOf } from '../dialects';

/**
 * The error a transaction fails with when a request it works for was answered 503 meanwhile: its
 * connection was closed before COMMIT, so nothing it did happened.
 */
export class AbandonedError extends Error {
  /** Read by classifyDatabaseError: no driver code to pose as. */
  readonly databaseErrorKind: DatabaseErrorKind = 'unavailable';
  constructor() {
    super('transaction rolled back: a request it served was answered 503 on timeout');
    this.name = 'AbandonedError';
  }
}

/**
 * Runs the body of a transaction so that it can never commit after any of `signals` aborted
 * (a request it serves was answered 503 on timeout): on abort, the connection of the transaction
 * is closed at once, so the database rolls it back, and the body fails with AbandonedError. Only
 * once the body has returned is COMMIT sent; an abort after that cannot stop it (the outcome of a
 * COMMIT in flight is unknown to us). SQLite transactions are local and need no closing.
 */
export async function abandonable<T>(manager: EntityManager, signals: readonly (AbortSignal | undefined)[], body: () => Promise<T>): Promise<T> {
  const live = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const destroy = dialectOf(manager).connectionCloser(manager);
  if (live.some((signal) => signal.aborted)) {
    destroy?.();
    throw new AbandonedError();
  }
  if (live.length === 0) return body();
  if (!destroy) {
    // SQLite (local, no connection to close): the body runs to its end, and a request answered 503
    // meanwhile makes it fail here, before COMMIT, so the transaction rolls back.
    const result = await body();
    if (live.some((signal) => signal.aborted)) throw new AbandonedError();
    return result;
  }
  return untilAbandoned(live, destroy, body);
}

/**
 * `body`, unless one of `signals` aborts first (or had already): then `destroy()` closes the
 * connection the body's statements run on, so the server rolls back what they began, and the call
 * fails with AbandonedError. Shared by abandonable() and TransactionRunner.pipelined().
 */
export async function untilAbandoned<T>(signals: readonly AbortSignal[], destroy: () => void, body: () => Promise<T>): Promise<T> {
  // A listener added to an aborted signal never fires: an abort that came first is checked here.
  if (signals.some((signal) => signal.aborted)) {
    destroy();
    throw new AbandonedError();
  }
  let onAbort = (): void => undefined;
  const abandoned = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      destroy();
      reject(new AbandonedError());
    };
  });
  abandoned.catch(() => undefined);
  for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([body(), abandoned]);
  } finally {
    for (const signal of signals) signal.removeEventListener('abort', onAbort);
  }
}
