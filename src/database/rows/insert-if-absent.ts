import type { DataSource } from 'typeorm';
import { dialectOf } from '../dialects';

/**
 * Inserts `row` (column name → value) into `table` unless its primary key is taken, outside any
 * transaction; true when this call inserted it. A taken key is an answer, not an error: nothing is
 * logged as a failed query (a replayed identifier is routine and anyone can send one).
 */
export async function insertIfAbsent(dataSource: DataSource, table: string, row: Readonly<Record<string, unknown>>): Promise<boolean> {
  const columns = Object.keys(row);
  const runner = dataSource.createQueryRunner();
  try {
    const result = await runner.query(dialectOf(dataSource).insertIfAbsentStatement(table, columns), Object.values(row), true);
    return (result.affected ?? 0) > 0;
  } finally {
    await runner.release();
  }
}
