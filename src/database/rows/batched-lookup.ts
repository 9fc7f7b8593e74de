import type { ObjectLiteral, Repository } from 'typeorm';
import { Batcher } from '../../common/database/batcher';
import { dialectOf } from '../dialects';
import { selectRowsIn } from './select-rows';

/** Keys per `IN (...)` query (SQLite allows 999 bound values), and queries running at once. */
const MAX_BATCH = 200;
const MAX_BATCHES_IN_FLIGHT = 4;

/**
 * Loads rows by a unique column through a Batcher: concurrent lookups (every token request loads
 * its client when the cache is off, every introspection its token) share one `IN (...)` query. A
 * lookup never joins a query that started before it was made, so it sees every change committed
 * before it was made. Keys match exactly, on every database: the row MySQL returns for `FOO` under a
 * case-insensitive collation is not the answer for `FOO` unless its key is `FOO` (client ids are
 * compared as exact strings, RFC 6749 §2.2).
 */
export function batchedLookup<T extends ObjectLiteral>(repository: Repository<T>, property: keyof T & string): (key: string) => Promise<T | null> {
  const batcher = new Batcher<string, T | null>(
    async (keys) => {
      const rows = await selectRowsIn<T>(repository.manager, repository.metadata, property, [...new Set(keys)]);
      const byKey = new Map(rows.map((row) => [row[property] as string, row]));
      return keys.map((key) => byKey.get(key) ?? null);
    },
    MAX_BATCH,
    MAX_BATCHES_IN_FLIGHT,
    `db.batch ${repository.metadata.tableName} lookup`,
  );
  // A key the database cannot store is in no row; asked, PostgreSQL would fail the whole batch with it.
  const dialect = dialectOf(repository.manager);
  return (key) => (dialect.canStore(key) ? batcher.submit(key) : Promise.resolve(null));
}
