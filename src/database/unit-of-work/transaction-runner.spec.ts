import { Column, DataSource, Entity, EntityManager, PrimaryColumn, QueryFailedError } from 'typeorm';
import { createTestDatabase, entityDataSource, TEST_DB, TestDatabase } from '../../../test/support/databases';
import { AbandonedError } from './abandon';
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

  it.each(['mysql', 'postgres'])('runs %s transactions concurrently (one pooled connection each)', async (type) => {
    const log: string[] = [];
    const runner = new TransactionRunner(fakeDataSource(type, log));
    await Promise.all([runner.run(tick), runner.run(tick)]);
    expect(log).toEqual(['begin', 'begin', 'end', 'end']);
  });
});

@Entity('insert_all_tokens')
class TokenRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

@Entity('insert_all_events')
class EventRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'simple-json', nullable: true })
  detail: Record<string, string | boolean> | null;
}

describe(`TransactionRunner.insertAll [${TEST_DB}]`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let runner: TransactionRunner;
  const count = async (table: string) => Number((await dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const tables = (tokens: TokenRow[], events: EventRow[]) => [
    { metadata: dataSource.getMetadata(TokenRow), rows: tokens },
    { metadata: dataSource.getMetadata(EventRow), rows: events },
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await entityDataSource(db, [TokenRow, EventRow]);
    runner = new TransactionRunner(dataSource);
  });

  afterAll(async () => {
    await runner.onModuleDestroy();
    await dataSource.destroy();
    await db.drop();
  });

  it('stores the rows of every table, JSON columns as TypeORM writes them, and skips empty tables', async () => {
    await runner.insertAll(
      tables(
        [
          { id: 't1', hash: 'h1' },
          { id: 't2', hash: 'h2' },
        ],
        [{ id: 'e1', detail: { grant_type: 'client_credentials', refresh_token: false } }],
      ),
    );
    await runner.insertAll(tables([{ id: 't3', hash: 'h3' }], []));
    expect(await count('insert_all_tokens')).toBe(3);
    expect(await dataSource.getRepository(EventRow).findOneByOrFail({ id: 'e1' })).toEqual({
      id: 'e1',
      detail: { grant_type: 'client_credentials', refresh_token: false },
    });
  });

  it('stores nothing when a later INSERT fails: the rows of all tables are one commit; the next call works', async () => {
    const tokensBefore = await count('insert_all_tokens');
    await expect(runner.insertAll(tables([{ id: 't4', hash: 'h4' }], [{ id: 'e1', detail: null }]))).rejects.toThrow(QueryFailedError);
    expect(await count('insert_all_tokens')).toBe(tokensBefore);
    await runner.insertAll(tables([{ id: 't4', hash: 'h4' }], [{ id: 'e4', detail: null }]));
    expect(await count('insert_all_tokens')).toBe(tokensBefore + 1);
  });

  it('stores nothing for a request already answered 503 (aborted signal)', async () => {
    const tokensBefore = await count('insert_all_tokens');
    const aborted = AbortSignal.abort();
    await expect(runner.insertAll(tables([{ id: 't5', hash: 'h5' }], [{ id: 'e5', detail: null }]), [undefined, aborted])).rejects.toThrow(AbandonedError);
    expect(await count('insert_all_tokens')).toBe(tokensBefore);
  });

  (TEST_DB === 'sqlite' ? it.skip : it)('rolls back a call whose request is answered 503 while it waits on a lock (its connection is closed)', async () => {
    const blocker = dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    // Holds the key the call's second INSERT needs: the call waits on it, its first INSERT done.
    await blocker.query("INSERT INTO insert_all_events (id, detail) VALUES ('e6', NULL)");
    try {
      const controller = new AbortController();
      const call = runner.insertAll(tables([{ id: 't6', hash: 'h6' }], [{ id: 'e6', detail: null }]), [controller.signal]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      controller.abort();
      await expect(call).rejects.toThrow(AbandonedError);
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    // The server rolls the closed connection's transaction back once it notices the close.
    for (let i = 0; i < 50 && (await count("insert_all_tokens WHERE id = 't6'")) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await count("insert_all_tokens WHERE id = 't6'")).toBe(0);
    await runner.insertAll(tables([{ id: 't6', hash: 'h6' }], [{ id: 'e6', detail: null }]));
    expect(await count("insert_all_tokens WHERE id = 't6'")).toBe(1);
  });

  it('runs concurrent calls side by side, each stored whole', async () => {
    const tokensBefore = await count('insert_all_tokens');
    await Promise.all(Array.from({ length: 8 }, (_, i) => runner.insertAll(tables([{ id: `c${i}`, hash: `hc${i}` }], [{ id: `ce${i}`, detail: null }]))));
    expect(await count('insert_all_tokens')).toBe(tokensBefore + 8);
    expect(await count('insert_all_events')).toBe((await count('insert_all_tokens')) - 2);
  });

  (TEST_DB === 'mysql' ? it : it.skip)(
    'pipelines: answers the affected rows of each statement, and rolls back every round when a later one fails',
    async () => {
      const insert = (id: string) => ({ sql: 'INSERT INTO insert_all_tokens (id, hash) VALUES (?, ?)', parameters: [id, `h${id}`] });
      const update = { sql: "UPDATE insert_all_tokens SET hash = 'x' WHERE id IN ('p1', 'p2', 'p9') AND hash <> 'x'", parameters: [] };
      // Rows found, not rows changed (mysql2 sets CLIENT_FOUND_ROWS): equal for an UPDATE whose WHERE tests what it sets.
      const touch = { sql: "UPDATE insert_all_tokens SET hash = hash WHERE id IN ('p1', 'p2')", parameters: [] };
      expect(runner.pipelines).toBe(true);
      expect(await runner.pipelined([], async (send) => [await send([insert('p1'), insert('p2')]), await send([update]), await send([update, touch])])).toEqual(
        [[1, 1], [2], [0, 2]],
      );
      const failing = runner.pipelined([], async (send) => {
        await send([insert('p3')]);
        await send([insert('p1')]);
      });
      await expect(failing).rejects.toThrow(QueryFailedError);
      expect(await count("insert_all_tokens WHERE id = 'p3'")).toBe(0);
    },
  );
});
