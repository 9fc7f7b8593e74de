import type { EntityManager, EntityMetadata, ObjectLiteral } from 'typeorm';

/** Column list per entity, built once: `SELECT` of every column, in metadata order. */
const selectLists = new WeakMap<EntityMetadata, string>();

/**
 * Whole rows whose `property` is one of `values`, in one `IN (...)` query, hydrated as TypeORM
 * would (the driver's conversions and the column transformers). The batched lookups of the token
 * paths use it: TypeORM's find builds and parses its query anew each call, which cost more CPU than
 * the database spent answering (profiled on the refresh and introspection paths). `suffix` is
 * appended as is (`FOR UPDATE`) and must never carry input; `whereNull` adds `IS NULL` conditions.
 */
export async function selectRowsIn<T extends ObjectLiteral>(
  manager: EntityManager,
  metadata: EntityMetadata,
  property: string,
  values: readonly unknown[],
  options: { whereNull?: string[]; suffix?: string; columns?: string[] } = {},
): Promise<T[]> {
  if (values.length === 0) return [];
  const { driver } = manager.connection;
  const columns = options.columns ? options.columns.map((name) => column(metadata, name)) : metadata.columns;
  let list = options.columns ? undefined : selectLists.get(metadata);
  if (list === undefined) {
    list = columns.map((c) => driver.escape(c.databaseName)).join(', ');
    if (!options.columns) selectLists.set(metadata, list);
  }
  const conditions = [
    `${driver.escape(column(metadata, property).databaseName)} IN (${values.map(() => '?').join(', ')})`,
    ...(options.whereNull ?? []).map((name) => `${driver.escape(column(metadata, name).databaseName)} IS NULL`),
  ];
  const sql = `SELECT ${list} FROM ${driver.escape(metadata.tableName)} WHERE ${conditions.join(' AND ')}${options.suffix ? ` ${options.suffix}` : ''}`;
  const raw = (await manager.query(sql, [...values])) as Record<string, unknown>[];
  return raw.map((record) => {
    const row: ObjectLiteral = {};
    for (const c of columns) row[c.propertyName] = driver.prepareHydratedValue(record[c.databaseName], c);
    return row as T;
  });
}

function column(metadata: EntityMetadata, property: string) {
  const found = metadata.findColumnWithPropertyName(property);
  if (!found) throw new Error(`${metadata.name} has no column ${property}`);
  return found;
}
