import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager, ObjectLiteral, Repository } from 'typeorm';
import { AUDIT_JOURNAL, AuditEntry, AuditJournal } from './audit-journal';
import { TransactionRunner } from './transaction-runner';

/** The transaction of the unit of work running, and what is to run once it is over. */
interface Work {
  readonly manager: EntityManager;
  readonly settled: (() => Promise<void>)[];
  readonly committed: (() => Promise<void>)[];
}

const current = new AsyncLocalStorage<Work>();

/**
 * `repository` bound to the transaction of the current unit of work, or `repository` itself outside
 * one. Services write through it, so a change joins the caller's transaction without being handed
 * one (the transaction travels in the context, as fosite's storage does).
 */
export function transactional<T extends ObjectLiteral>(repository: Repository<T>): Repository<T> {
  const work = current.getStore();
  return work ? work.manager.getRepository(repository.target) : repository;
}

/**
 * Runs `task` once the current unit of work is over, committed or not (dropping the caches of what
 * it wrote: after a failure they may hold what its connection showed, or a COMMIT whose answer was
 * lost); outside a unit of work, at once.
 */
export async function afterUnitOfWork(task: () => Promise<void>): Promise<void> {
  const work = current.getStore();
  if (work) work.settled.push(task);
  else await task();
}

/**
 * Runs `task` once the current unit of work has committed (telling other instances what it wrote:
 * never what a rollback undid); outside a unit of work, at once. Not run when the commit fails.
 */
export async function afterCommit(task: () => Promise<void>): Promise<void> {
  const work = current.getStore();
  if (work) work.committed.push(task);
  else await task();
}

/**
 * A unit of work: the writes of `work` commit together or not at all, in one transaction tied to the
 * request it serves, so a request answered 503 had no effect (TransactionRunner.runForRequest). A
 * unit of work started inside another joins it. The audited variant commits the event with the change.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly transactions: TransactionRunner,
    @Inject(AUDIT_JOURNAL) private readonly journal: AuditJournal,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (current.getStore()) return work();
    const settled: (() => Promise<void>)[] = [];
    const committed: (() => Promise<void>)[] = [];
    const result = await this.transactions.runForRequest(
      (manager) => current.run({ manager, settled, committed }, work),
      async () => {
        for (const task of settled) await task();
      },
    );
    for (const task of committed) await task();
    return result;
  }

  /** run(), with the audit event of the change (given, or made from its result) in the same commit. */
  audited<T>(event: AuditEntry | ((result: T) => AuditEntry), work: () => Promise<T>): Promise<T> {
    return this.run(async () => {
      const result = await work();
      await this.journal.append(typeof event === 'function' ? event(result) : event);
      return result;
    });
  }
}
