import type { DataSource, EntityManager } from 'typeorm';
import { TransactionRunner } from './transaction-runner';

function fakeDataSource(type: string, log: string[]) {
  return {
    options: { type },
    transaction: async <T>(work: (m: EntityManager) => Promise<T>) => {
      log.push('begin');
      try {
        return await work({} as EntityManager);
      } finally {
        log.push('end');
      }
    },
  } as unknown as DataSource;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('TransactionRunner', () => {
  it('runs SQLite transactions one after another (one shared connection)', async () => {
    const log: string[] = [];
    const runner = new TransactionRunner(fakeDataSource('better-sqlite3', log));
    await Promise.all([runner.run(tick), runner.run(tick)]);
    expect(log).toEqual(['begin', 'end', 'begin', 'end']);
  });

  it('keeps going after a failed SQLite transaction', async () => {
    const log: string[] = [];
    const runner = new TransactionRunner(fakeDataSource('better-sqlite3', log));
    const failed = runner.run(async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    await expect(runner.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('runs MySQL transactions concurrently (one pooled connection each)', async () => {
    const log: string[] = [];
    const runner = new TransactionRunner(fakeDataSource('mysql', log));
    await Promise.all([runner.run(tick), runner.run(tick)]);
    expect(log).toEqual(['begin', 'begin', 'end', 'end']);
  });
});
