import { FindOperator, Raw } from 'typeorm';

/**
 * A portable "contains" filter, ignoring case: LIKE with its wildcards escaped by '!', an escape
 * character that SQLite, MySQL and PostgreSQL read the same way (a backslash is not: SQLite has no
 * default escape). Both sides are lower-cased because PostgreSQL's LIKE is case-sensitive where
 * MySQL's collation and SQLite's LIKE are not; a leading % uses no index on any of them anyway.
 */
export function containing(text: string): FindOperator<string> {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return Raw((column) => `LOWER(${column}) LIKE LOWER(:pattern) ESCAPE '!'`, { pattern });
}
