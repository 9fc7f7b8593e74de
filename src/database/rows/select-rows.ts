import type { EntityManager, EntityMetadata, ObjectLiteral } from 'typeorm';
import { dialectOf } from '../dialects';
import { parameterList } from '../dialects/placeholders';

/** Column list per entity, built once: `SELECT` of every column, in metadata order. */
const selectLists = new WeakMap<EntityMetadata, string>();

/**
 * Whole rows whose `property` is one of `values`, in one `IN (...)` query, hydrated as TypeORM
 * would (the driver's conversions and the column transformers). The batched lookups use it:
 * TypeORM's find builds and parses its query anew each call, which cost more CPU than the database
 * spent answering (profiled on the refresh and introspection paths).
 */
export async function selectRowsIn<T extends ObjectLiteral>(
  manager: EntityManager,
  metadata: EntityMetadata,
  property: string,
  values: readonly unknown[],
): Promise<T[]> {
  if (values.length === 0) return [];
  const { driver } = manager.connection;
  let list = selectLists.get(metadata);
  if (list === undefined) {
    list = metadata.columns.map((c) => driver.escape(c.databaseName)).join(', ');
    selectLists.set(metadata, list);
  }
  const key = metadata.findColumnWithPropertyName(property);
  if (!key) throw new Error(`${metadata.name} has no column ${property}`);
  const sql = `SELECT ${list} FROM ${driver.escape(metadata.tableName)} WHERE ${driver.escape(key.databaseName)} IN (${parameterList(dialectOf(manager), values.length)})`;
  return hydrate<T>(manager, metadata, (await manager.query(sql, [...values])) as Record<string, unknown>[]);
}

/** Rows of `metadata`'s entity from raw records keyed by column name, as TypeORM would hydrate them. */
export function hydrate<T extends ObjectLiteral>(manager: EntityManager, metadata: EntityMetadata, records: readonly Record<string, unknown>[]): T[] {
  const { driver } = manager.connection;
  return records.map((record) => {
    const row: ObjectLiteral = {};
    for (const c of metadata.columns) row[c.propertyName] = driver.prepareHydratedValue(record[c.databaseName], c);
    return row as T;
  });
}
