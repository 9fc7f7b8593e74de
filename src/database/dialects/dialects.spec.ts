import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AbandonedError } from '../unit-of-work/abandon';
import { classifyDatabaseError, dialectOf, isDuplicateKey, isRetryable } from '.';
import { spendStatement } from './spend-statement';

/** A driver error as TypeORM wraps it. */
const failed = (driverError: object) => new QueryFailedError('SELECT 1', [], Object.assign(new Error('driver error'), driverError));

describe('classifyDatabaseError', () => {
  it.each([
    ['MySQL deadlock victim (also a Galera certification failure)', { code: 'ER_LOCK_DEADLOCK' }, 'retry'],
    [
      'Galera node outside the primary component',
      { code: 'ER_UNKNOWN_COM_ERROR', message: 'WSREP has not yet prepared node for application use' },
      'unavailable',
    ],
    ['MySQL unknown command (a bug)', { code: 'ER_UNKNOWN_COM_ERROR', message: 'Unknown command' }, undefined],
    ['PostgreSQL serialization failure (also CockroachDB)', { code: '40001' }, 'retry'],
    ['PostgreSQL deadlock', { code: '40P01' }, 'retry'],
    ['MySQL duplicate key', { code: 'ER_DUP_ENTRY' }, 'duplicate_key'],
    ['PostgreSQL unique violation', { code: '23505' }, 'duplicate_key'],
    ['SQLite unique constraint', { code: 'SQLITE_CONSTRAINT_UNIQUE' }, 'duplicate_key'],
    ['SQLite primary key constraint', { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }, 'duplicate_key'],
    ['MySQL lock wait timeout', { code: 'ER_LOCK_WAIT_TIMEOUT' }, 'unavailable'],
    ['mysql2 lost connection', { code: 'PROTOCOL_CONNECTION_LOST' }, 'unavailable'],
    ['PostgreSQL shutting down', { code: '57P01' }, 'unavailable'],
    ['PostgreSQL too many connections', { code: '53300' }, 'unavailable'],
    ['node-postgres lost connection', { message: 'Connection terminated unexpectedly' }, 'unavailable'],
    ['SQLite busy', { code: 'SQLITE_BUSY' }, 'unavailable'],
    ['refused connection', { code: 'ECONNREFUSED' }, 'unavailable'],
    ['PostgreSQL NUL in text', { code: '22021' }, 'invalid_input'],
    ['PostgreSQL \\u0000 in JSON', { code: '22P05' }, 'invalid_input'],
    ['MySQL syntax error (a bug)', { code: 'ER_PARSE_ERROR' }, undefined],
    ['PostgreSQL undefined column (a bug)', { code: '42703' }, undefined],
  ])('reads a %s', (_what, driverError, kind) => {
    expect(classifyDatabaseError(failed(driverError))).toBe(kind);
    // Errors that do not come wrapped (a pool's getConnection) are read the same way.
    expect(classifyDatabaseError(Object.assign(new Error('x'), driverError))).toBe(kind);
  });

  it('reads a transaction abandoned for a 503 as unavailable, and plain errors as nothing', () => {
    expect(classifyDatabaseError(new AbandonedError())).toBe('unavailable');
    expect(classifyDatabaseError(new Error('boom'))).toBeUndefined();
    expect(classifyDatabaseError(undefined)).toBeUndefined();
  });

  it('answers the two questions the services ask', () => {
    expect(isDuplicateKey(failed({ code: '23505' }))).toBe(true);
    expect(isDuplicateKey(failed({ code: '40001' }))).toBe(false);
    expect(isRetryable(failed({ code: '40P01' }))).toBe(true);
    expect(isRetryable(failed({ code: 'ER_DUP_ENTRY' }))).toBe(false);
  });
});

describe('dialects', () => {
  const of = (type: string) => dialectOf({ options: { type } } as unknown as DataSource);
  const target = { table: 't', id: 'id', unspent: ['spent_at', 'revoked_at'], spent: 'spent_at' };

  it('are chosen from the DataSource type', () => {
    expect(of('better-sqlite3').name).toBe('sqlite');
    expect(of('mysql').name).toBe('mysql');
    expect(of('postgres').name).toBe('postgres');
    expect(() => of('oracle')).toThrow(/no dialect/);
  });

  it('write the spend as one conditional UPDATE, with the placeholders of each database', () => {
    expect(spendStatement(of('mysql'), target, 2)).toBe('UPDATE t SET spent_at = ? WHERE id IN (?, ?) AND spent_at IS NULL AND revoked_at IS NULL');
    expect(spendStatement(of('postgres'), target, 2)).toBe('UPDATE t SET spent_at = $1 WHERE id IN ($2, $3) AND spent_at IS NULL AND revoked_at IS NULL');
  });

  it('spend one input on MySQL with one conditional UPDATE, its affected-row count telling won from lost', async () => {
    const sent: string[] = [];
    const manager = (affectedRows: number) =>
      ({
        query: async (sql: string) => {
          sent.push(sql);
          return { affectedRows };
        },
      }) as unknown as EntityManager;
    expect(await of('mysql').spend(manager(1), target, ['a'], 7)).toEqual(['a']);
    expect(await of('mysql').spend(manager(0), target, ['a'], 7)).toEqual([]);
    expect(sent).toEqual([spendStatement(of('mysql'), target, 1), spendStatement(of('mysql'), target, 1)]);
  });

  it('give that one-input spend to callers that send it themselves, only where a count decides it', () => {
    const { spendOne } = of('mysql');
    expect(spendOne!.statement(target, 'a', 7)).toEqual({ sql: spendStatement(of('mysql'), target, 1), parameters: [7, 'a'] });
    expect([spendOne!.spent(1), spendOne!.spent(0)]).toEqual([true, false]);
    // UPDATE ... RETURNING names the ids it spent.
    expect(of('postgres').spendOne).toBeUndefined();
    expect(of('better-sqlite3').spendOne).toBeUndefined();
  });

  it('spend several inputs on MySQL by locking the unspent ones first: one count cannot tell which it spent', async () => {
    const sent: string[] = [];
    const manager = {
      query: async (sql: string, parameters: unknown[]) => {
        sent.push(sql);
        return sql.startsWith('SELECT') ? [{ id: 'b' }] : { affectedRows: parameters.length - 1 };
      },
    } as unknown as EntityManager;
    expect(await of('mysql').spend(manager, target, ['a', 'b'], 7)).toEqual(['b']);
    expect(sent).toEqual([
      'SELECT id AS id FROM t WHERE id IN (?, ?) AND spent_at IS NULL AND revoked_at IS NULL FOR UPDATE',
      'UPDATE t SET spent_at = ? WHERE id IN (?) AND spent_at IS NULL AND revoked_at IS NULL',
    ]);
  });

  it('combine INSERTs into one statement only where the database runs data-modifying WITH', () => {
    expect(of('postgres').combineInserts!(['INSERT INTO a (x) VALUES ($1)', 'INSERT INTO b (y) VALUES ($2)', 'INSERT INTO c (z) VALUES ($3)'])).toBe(
      'WITH i0 AS (INSERT INTO a (x) VALUES ($1)), i1 AS (INSERT INTO b (y) VALUES ($2)) INSERT INTO c (z) VALUES ($3)',
    );
    expect(of('postgres').combineInserts!(['INSERT INTO a (x) VALUES ($1)'])).toBe('INSERT INTO a (x) VALUES ($1)');
    expect(of('mysql').combineInserts).toBeUndefined();
    expect(of('better-sqlite3').combineInserts).toBeUndefined();
  });

  it('serialise transactions only on the one shared SQLite connection', () => {
    expect(of('better-sqlite3').serialisesTransactions).toBe(true);
    expect(of('mysql').serialisesTransactions).toBe(false);
    expect(of('postgres').serialisesTransactions).toBe(false);
  });

  it('say that only PostgreSQL’s UPDATEs miss rows committed while they waited for a lock', () => {
    expect(of('better-sqlite3').updatesMissRowsCommittedWhileWaiting).toBe(false);
    expect(of('mysql').updatesMissRowsCommittedWhileWaiting).toBe(false);
    expect(of('postgres').updatesMissRowsCommittedWhileWaiting).toBe(true);
  });
});
