import { QueryFailedError } from 'typeorm';
import { AbandonedError } from '../../database/unit-of-work/abandon';
import { commitOutcomeUnknown } from './commit-outcome';

const failed = (driverError: object) => new QueryFailedError('COMMIT', [], Object.assign(new Error('failed'), driverError));

describe('commitOutcomeUnknown: whether a failed COMMIT may have committed', () => {
  it.each([
    ['MySQL: the connection was lost during the COMMIT', failed({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), true],
    ['MySQL: the connection was reset', failed({ code: 'ECONNRESET', errno: -104, fatal: true }), true],
    ['MySQL: the socket timed out', Object.assign(new Error('read ETIMEDOUT'), { code: 'ETIMEDOUT' }), true],
    ['MySQL: a closed connection refused the statement', failed({ code: 'ER_CLIENT_INTERACTION_TIMEOUT', sqlState: 'HY000', fatal: true }), true],
    ['PostgreSQL: the connection ended without an answer', new Error('Connection terminated unexpectedly'), true],
    ['PostgreSQL: the server was shut down during the COMMIT', failed({ code: '57P01', severity: 'FATAL' }), true],
    ['PostgreSQL: a connection failure', failed({ code: '08006', severity: 'FATAL' }), true],
    ['an error that is not an object', 'boom', true],
    ['MySQL: a deadlock victim, rolled back', failed({ code: 'ER_LOCK_DEADLOCK', errno: 1213, sqlState: '40001' }), false],
    [
      'MariaDB Galera: a certification failure at COMMIT, rolled back',
      failed({ code: 'ER_LOCK_DEADLOCK', errno: 1213, sqlState: '40001', fatal: false }),
      false,
    ],
    ['MySQL: a duplicate key', failed({ code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000' }), false],
    ['PostgreSQL: a serialization failure at COMMIT', failed({ code: '40001', severity: 'ERROR' }), false],
    ['SQLite: the database was busy (a local COMMIT)', failed({ code: 'SQLITE_BUSY' }), false],
    ['the request was answered 503 before the COMMIT was sent', new AbandonedError(), false],
  ])('%s', (_name, error, unknown) => {
    expect(commitOutcomeUnknown(error)).toBe(unknown);
  });
});
