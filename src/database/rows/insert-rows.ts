import type { EntityManager, EntityMetadata, ObjectLiteral } from 'typeorm';
import { dialectOf } from '../dialects';
import { parameterList } from '../dialects/placeholders';

/**
 * One parameterised multi-row INSERT of whole entities, values prepared by the driver as TypeORM
 * would (transformers, JSON columns). TypeORM's insert builder spends more CPU per row than the
 * database does on these plain rows, and grows quadratically with the batch (profiled: its
 * parameter lookups), so the batched hot paths (tokens, audit events) write the SQL themselves.
 */
export async function insertRows<T extends ObjectLiteral>(manager: EntityManager, metadata: EntityMetadata, rows: readonly T[]): Promise<void> {
  if (rows.length === 0) return;
  const { sql, parameters } = insertStatement(manager, metadata, rows);
  await manager.query(sql, parameters);
}

/** The SQL and parameters of insertRows() for `rows` (not empty), its parameters numbered from `first`. */
export function insertStatement<T extends ObjectLiteral>(
  manager: EntityManager,
  metadata: EntityMetadata,
  rows: readonly T[],
  first = 1,
): { sql: string; parameters: unknown[] } {
  const { driver } = manager.connection;
  const dialect = dialectOf(manager);
  const columns = metadata.columns;
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  const tuples = rows.map((_, i) => `(${parameterList(dialect, columns.length, first + i * columns.length)})`);
  const sql = `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES ${tuples.join(', ')}`;
  const parameters = rows.flatMap((row) => columns.map((column) => driver.preparePersistentValue(column.getEntityValue(row), column) as unknown));
  return { sql, parameters };
}
