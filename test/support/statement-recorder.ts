import type { DataSource, Logger } from 'typeorm';
import { currentRequestContext } from '../../src/common/http/request-context';

/**
 * Records the statements a test app sends to its database, by the id of the request that sent
 * them (its `x-request-id`), one whitespace-normalised string per round trip. Statements run
 * outside a request (the janitor's, the key rotation's) are not kept.
 */
export function recordStatementsByRequest(dataSource: DataSource): Map<string, string[]> {
  const recorded = new Map<string, string[]>();
  const recorder: Logger = {
    logQuery: (query) => {
      const requestId = currentRequestContext()?.requestId;
      if (requestId !== undefined) recorded.set(requestId, [...(recorded.get(requestId) ?? []), query.replace(/\s+/g, ' ').trim()]);
    },
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  // TypeORM's query runners report every statement to the DataSource's logger.
  Object.defineProperty(dataSource, 'logger', { value: recorder, configurable: true });
  return recorded;
}
