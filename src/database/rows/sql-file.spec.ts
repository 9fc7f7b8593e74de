import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mysqlDialect } from '../dialects/mysql';
import { postgresDialect } from '../dialects/postgres';
import { sqliteDialect } from '../dialects/sqlite';
import { SqlFile } from './sql-file';

describe('SqlFile', () => {
  const directory = mkdtempSync(join(tmpdir(), 'sql-file-'));
  writeFileSync(join(directory, 'find.sql'), '-- what it finds\nSELECT id\n  FROM things -- by two keys\n WHERE a = ? AND b = ?;\n');

  it('reads a statement without its comments, on one line, and numbers its parameters for each dialect', () => {
    const file = SqlFile.read(directory, 'find.sql');
    expect(file.sql(sqliteDialect)).toBe('SELECT id FROM things WHERE a = ? AND b = ?');
    expect(file.sql(mysqlDialect)).toBe('SELECT id FROM things WHERE a = ? AND b = ?');
    expect(file.sql(postgresDialect)).toBe('SELECT id FROM things WHERE a = $1 AND b = $2');
  });

  it('reads the statements committed beside the repositories', () => {
    expect(SqlFile.read(join(__dirname, '..', '..', 'authorize'), 'login-session.find.sql').sql(postgresDialect)).toMatch(
      /^SELECT .* FROM login_sessions WHERE session_hash = \$1$/,
    );
  });
});
