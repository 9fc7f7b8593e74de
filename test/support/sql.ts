import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/config/app-config';
import { connectionSettings } from '../../src/database/dialects/dialect';

/** A row of a raw query: column names as written in the SQL (lower case), values as the driver gives them. */
export type Row = Record<string, unknown>;

/**
 * Statements written once for every test database: `?` placeholders (an array parameter expands to
 * a list, as mysql2 does for `IN (?)`), numbered `$1, $2, ...` on PostgreSQL. Identifiers are left
 * unquoted (lower-case snake_case names need no quotes anywhere).
 */
export function portable(postgres: boolean, text: string, parameters: readonly unknown[] = []): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  let i = 0;
  const rewritten = text.replace(/\?/g, () => {
    const parameter = parameters[i++];
    const list = Array.isArray(parameter) ? parameter : [parameter];
    return list
      .map((value) => {
        values.push(value);
        return postgres ? `$${values.length}` : '?';
      })
      .join(', ');
  });
  return { text: rewritten, values };
}

/** The rows of a statement written with `?` placeholders, run on a test app's DataSource. */
export async function sql<T extends Row = Row>(dataSource: DataSource, text: string, parameters: readonly unknown[] = []): Promise<T[]> {
  const postgres = dataSource.options.type === 'postgres';
  const statement = portable(postgres, text, parameters);
  const result = (await dataSource.query(statement.text, statement.values)) as unknown;
  // TypeORM answers an UPDATE or DELETE on PostgreSQL with [rows, affected count].
  if (postgres && /^\s*(UPDATE|DELETE)/i.test(text) && Array.isArray(result) && Array.isArray(result[0])) return result[0] as T[];
  return result as T[];
}

/** A numeric column (PostgreSQL and MySQL give COUNT(*) and bigint as strings). */
export function count(rows: readonly Row[], column = 'n'): number {
  return Number(rows[0][column]);
}

/** A connection of its own to a test database (outside any server process), for raw statements. */
export interface SqlConnection {
  query<T extends Row = Row>(text: string, parameters?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function connectTo(database: AppConfig['database']): Promise<SqlConnection> {
  if (database.type === 'sqlite') throw new Error('connectTo: a server database only');
  if (database.type === 'postgres') {
    const { Client } = await import('pg');
    const client = new Client(connectionSettings(database));
    await client.connect();
    return {
      query: async <T extends Row>(text: string, parameters: readonly unknown[] = []) => {
        const statement = portable(true, text, parameters);
        return (await client.query(statement.text, statement.values)).rows as T[];
      },
      close: () => client.end(),
    };
  }
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection(connectionSettings(database));
  return {
    query: async <T extends Row>(text: string, parameters: readonly unknown[] = []) => {
      const statement = portable(false, text, parameters);
      return (await connection.query(statement.text, statement.values))[0] as T[];
    },
    close: () => connection.end(),
  };
}
