import type { EntityManager } from 'typeorm';
import { abandonable, AbandonedError } from './abandon';

/** A MySQL transaction's manager: mysql2 connections close with destroy(). */
function transaction() {
  const destroy = jest.fn();
  const manager = { connection: { options: { type: 'mysql' } }, queryRunner: { databaseConnection: { destroy } } } as unknown as EntityManager;
  return { manager, destroy };
}

describe('abandonable', () => {
  it('closes the connection and fails the body when a request it serves is abandoned before COMMIT', async () => {
    const { manager, destroy } = transaction();
    const abandoned = new AbortController();
    const body = jest.fn(() => new Promise<string>(() => undefined));
    const result = abandonable(manager, [undefined, abandoned.signal], body);
    abandoned.abort();
    await expect(result).rejects.toBeInstanceOf(AbandonedError);
    expect(destroy).toHaveBeenCalledTimes(1);
  });

  it('does not start on a request already abandoned', async () => {
    const { manager, destroy } = transaction();
    await expect(abandonable(manager, [AbortSignal.abort()], async () => 'stored')).rejects.toBeInstanceOf(AbandonedError);
    expect(destroy).toHaveBeenCalled();
  });

  it('leaves the connection alone once the body has returned (COMMIT is then on its way)', async () => {
    const { manager, destroy } = transaction();
    const abandoned = new AbortController();
    await expect(abandonable(manager, [abandoned.signal], async () => 'stored')).resolves.toBe('stored');
    abandoned.abort();
    expect(destroy).not.toHaveBeenCalled();
  });

  it('fails a SQLite transaction (no connection to close) whose request was abandoned while its body ran, before COMMIT', async () => {
    const sqlite = { connection: { options: { type: 'better-sqlite3' } }, queryRunner: {} } as unknown as EntityManager;
    const abandoned = new AbortController();
    let finish = (): void => undefined;
    const result = abandonable(sqlite, [abandoned.signal], () => new Promise<string>((resolve) => (finish = () => resolve('stored'))));
    abandoned.abort();
    finish();
    await expect(result).rejects.toBeInstanceOf(AbandonedError);
    await expect(abandonable(sqlite, [new AbortController().signal], async () => 'stored')).resolves.toBe('stored');
  });

  it("closes a PostgreSQL transaction's socket when its request is abandoned before COMMIT", async () => {
    const destroy = jest.fn();
    const manager = {
      connection: { options: { type: 'postgres' } },
      queryRunner: { databaseConnection: { connection: { stream: { destroy } } } },
    } as unknown as EntityManager;
    const abandoned = new AbortController();
    const result = abandonable(manager, [abandoned.signal], () => new Promise<string>(() => undefined));
    abandoned.abort();
    await expect(result).rejects.toBeInstanceOf(AbandonedError);
    expect(destroy).toHaveBeenCalledTimes(1);
  });
});
