import { FindOperator, Raw } from 'typeorm';

/**
 * A portable "contains" filter: LIKE with its wildcards escaped by '!', an escape character that
 * SQLite and MySQL read the same way (a backslash is not: SQLite has no default escape).
 */
export function containing(text: string): FindOperator<string> {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return Raw((column) => `${column} LIKE :pattern ESCAPE '!'`, { pattern });
}
