import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { createTestDatabase, entityDataSource, TEST_DB, TestDatabase } from '../../../test/support/databases';
import * as requestContext from '../../common/http/request-context';
import { AbandonedError } from './abandon';
import type { AuditEntry, AuditJournal } from './audit-journal';
import { TransactionRunner } from './transaction-runner';
import { afterUnitOfWork, transactional, UnitOfWork } from './unit-of-work';

@Entity('uow_notes')
class NoteRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;
}

@Entity('uow_events')
class EventRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;
}

describe(`UnitOfWork [${TEST_DB}]`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let runner: TransactionRunner;
  let work: UnitOfWork;
  let failNextAppend = false;
  let sequence = 0;
  const notes = () => transactional(dataSource.getRepository(NoteRow));
  /** A journal that writes its events in the current unit of work, as the audit module's does. */
  const journal: AuditJournal = {
    append: async (entry: AuditEntry) => {
      if (failNextAppend) {
        failNextAppend = false;
        throw new Error('audit write failed');
      }
      await transactional(dataSource.getRepository(EventRow)).insert({ id: `e${++sequence}`, type: entry.type });
    },
  };
  const stored = async (id: string) => dataSource.getRepository(NoteRow).existsBy({ id });
  const events = (type: string) => dataSource.getRepository(EventRow).countBy({ type });

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await entityDataSource(db, [NoteRow, EventRow]);
    runner = new TransactionRunner(dataSource);
    work = new UnitOfWork(runner, journal);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await runner.onModuleDestroy();
    await dataSource.destroy();
    await db.drop();
  });

  it('commits the writes of every repository it reaches through the context, all together', async () => {
    await work.run(async () => {
      await notes().insert({ id: 'n1' });
      await notes().insert({ id: 'n2' });
    });
    expect([await stored('n1'), await stored('n2')]).toEqual([true, true]);
  });

  it('rolls back every write when the work fails', async () => {
    await expect(
      work.run(async () => {
        await notes().insert({ id: 'n3' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await stored('n3')).toBe(false);
  });

  it('joins the unit of work it is started in: an inner failure rolls back the outer writes too', async () => {
    await expect(
      work.run(async () => {
        await notes().insert({ id: 'n4' });
        await work.run(async () => {
          await notes().insert({ id: 'n5' });
          throw new Error('inner');
        });
      }),
    ).rejects.toThrow('inner');
    expect([await stored('n4'), await stored('n5')]).toEqual([false, false]);
  });

  it('writes outside a unit of work through the repository itself', async () => {
    await notes().insert({ id: 'n6' });
    expect(await stored('n6')).toBe(true);
  });

  it('commits the audit event of an audited unit of work with its change, made from its result', async () => {
    const result = await work.audited(
      (id: string) => ({ type: `created ${id}` }),
      async () => {
        await notes().insert({ id: 'n7' });
        return 'n7';
      },
    );
    expect(result).toBe('n7');
    expect([await stored('n7'), await events('created n7')]).toEqual([true, 1]);
  });

  it('stores neither the change nor its event when the event cannot be stored', async () => {
    failNextAppend = true;
    await expect(work.audited({ type: 'created n8' }, () => notes().insert({ id: 'n8' }))).rejects.toThrow('audit write failed');
    expect([await stored('n8'), await events('created n8')]).toEqual([false, 0]);
  });

  it('runs what waits for the end of the unit of work once it is over, committed or not; outside one, at once', async () => {
    const log: string[] = [];
    await work.run(async () => {
      await afterUnitOfWork(async () => void log.push(`after, n9 stored: ${await stored('n9')}`));
      await notes().insert({ id: 'n9' });
      log.push('work done');
    });
    await expect(
      work.run(async () => {
        await afterUnitOfWork(async () => void log.push('after the failure'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await afterUnitOfWork(async () => void log.push('outside'));
    expect(log).toEqual(['work done', 'after, n9 stored: true', 'after the failure', 'outside']);
  });

  it('has no effect for a request answered 503 meanwhile, and does not start for one answered before', async () => {
    const abandoned = new AbortController();
    jest.spyOn(requestContext, 'currentRequestContext').mockReturnValue({ ip: '127.0.0.1', requestId: 'r1', abandoned: abandoned.signal });
    await expect(
      work.audited({ type: 'created n10' }, async () => {
        await notes().insert({ id: 'n10' });
        abandoned.abort();
      }),
    ).rejects.toBeInstanceOf(AbandonedError);
    await expect(work.run(() => notes().insert({ id: 'n11' }))).rejects.toBeInstanceOf(AbandonedError);
    jest.restoreAllMocks();
    for (let i = 0; i < 50 && (await stored('n10')); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect([await stored('n10'), await events('created n10'), await stored('n11')]).toEqual([false, 0, false]);
  });
});
