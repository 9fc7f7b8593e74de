import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { dialectOf } from '../dialects';
import type { SpendTarget } from '../dialects/dialect';
import type { TransactionRunner } from './transaction-runner';

/**
 * Spends the rows of `entity` among `ids` whose `spent` property is still null, setting it to `now`,
 * in a transaction of its own tied to the request (a 503 leaves them unspent), atomically against
 * every other instance (Dialect.spend). Returns the ids this call spent: each at most once, ever.
 */
export function spendRows(
  transactions: TransactionRunner,
  entity: EntityTarget<ObjectLiteral>,
  spent: string,
  ids: readonly string[],
  now: number,
): Promise<string[]> {
  return transactions.runForRequest((manager) => spendRowsWith(manager, entity, spent, ids, now));
}

/**
 * spendRows() on the transaction of `manager`, so the spend commits with the caller's other writes
 * (a unit of work's manager: outside a transaction the dialect's spend is not atomic).
 */
export function spendRowsWith(
  manager: EntityManager,
  entity: EntityTarget<ObjectLiteral>,
  spent: string,
  ids: readonly string[],
  now: number,
): Promise<string[]> {
  return dialectOf(manager).spend(manager, spendTarget(manager, entity, spent), ids, now);
}

/**
 * The escaped table and columns of `entity` for Dialect.spend: rows whose `unspent` properties are
 * all null are spent by setting `spent`. Built from the entity metadata: callers on a hot path
 * build it once.
 */
export function spendTarget(manager: EntityManager, entity: EntityTarget<ObjectLiteral>, spent: string, unspent: readonly string[] = [spent]): SpendTarget {
  const metadata = manager.connection.getMetadata(entity);
  const escape = (name: string) => manager.connection.driver.escape(name);
  const column = (property: string) => escape(metadata.findColumnWithPropertyName(property)!.databaseName);
  return { table: escape(metadata.tableName), id: column('id'), unspent: unspent.map(column), spent: column(spent) };
}
