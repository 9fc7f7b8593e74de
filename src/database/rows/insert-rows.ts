import type { EntityManager, EntityMetadata, ObjectLiteral } from 'typeorm';
import { dialectOf } from '../dialects';
import type { SqlStatement } from '../dialects/dialect';
import { anonymousParameters, parameterList } from '../dialects/placeholders';

/** Rows for one table of insertStatements(). */
export interface InsertBatch {
  readonly metadata: EntityMetadata;
  readonly rows: readonly ObjectLiteral[];
}

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

/** `INSERT INTO table (columns) VALUES ` of each entity, escaped once (metadata lives as long as its data source). */
const heads = new WeakMap<EntityMetadata, string>();

/** The SQL and parameters of insertRows() for `rows` (not empty), its parameters numbered from `first`. */
export function insertStatement<T extends ObjectLiteral>(manager: EntityManager, metadata: EntityMetadata, rows: readonly T[], first = 1): SqlStatement {
  const { driver } = manager.connection;
  const dialect = dialectOf(manager);
  const columns = metadata.columns;
  let head = heads.get(metadata);
  if (head === undefined) {
    head = `INSERT INTO ${driver.escape(metadata.tableName)} (${columns.map((column) => driver.escape(column.databaseName)).join(', ')}) VALUES `;
    heads.set(metadata, head);
  }
  // With anonymous `?` parameters every row's tuple is the same string: built once per statement.
  const tuples = anonymousParameters(dialect)
    ? new Array<string>(rows.length).fill(`(${parameterList(dialect, columns.length)})`)
    : rows.map((_, i) => `(${parameterList(dialect, columns.length, first + i * columns.length)})`);
  const sql = `${head}${tuples.join(', ')}`;
  const parameters = rows.flatMap((row) => columns.map((column) => driver.preparePersistentValue(column.getEntityValue(row), column) as unknown));
  return { sql, parameters };
}

/**
 * The INSERTs of `batches` (empty ones skipped), one per table or, where the dialect combines
 * INSERTs into one statement (PostgreSQL: data-modifying WITH), a single one: one round trip
 * instead of one each.
 */
export function insertStatements(manager: EntityManager, batches: readonly InsertBatch[]): SqlStatement[] {
  const { combineInserts } = dialectOf(manager);
  const statements: SqlStatement[] = [];
  let first = 1;
  for (const batch of batches.filter((b) => b.rows.length > 0)) {
    statements.push(insertStatement(manager, batch.metadata, batch.rows, first));
    // Combined statements number their parameters on from one another.
    if (combineInserts) first += statements.at(-1)!.parameters.length;
  }
  if (!combineInserts || statements.length < 2) return statements;
  return [{ sql: combineInserts(statements.map((statement) => statement.sql)), parameters: statements.flatMap((statement) => statement.parameters) }];
}
