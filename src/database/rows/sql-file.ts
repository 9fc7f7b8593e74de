import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from 'typeorm';
import { dialectOf } from '../dialects';
import type { Dialect } from '../dialects/dialect';

/**
 * A statement committed as a `.sql` file beside the repository that runs it, so that the SQL of a
 * hot path is reviewed as SQL. Read once, when the repository's module loads (`nest build` copies
 * the files into dist/ beside the compiled code: nest-cli.json `assets`). Its parameters are
 * written `?` and numbered for the dialect (`$1` on PostgreSQL); comments (`--`) are dropped.
 */
export class SqlFile {
  private readonly byDialect = new Map<Dialect, string>();

  constructor(
    readonly name: string,
    private readonly text: string,
  ) {}

  /** Reads `name` from `directory` (the caller's `__dirname`). */
  static read(directory: string, name: string): SqlFile {
    const text = readFileSync(join(directory, name), 'utf8')
      .split('\n')
      .map((line) => line.replace(/--.*$/, '').trim())
      .filter((line) => line !== '')
      .join(' ')
      .replace(/;$/, '');
    return new SqlFile(name, text);
  }

  /** The statement as `dialect` takes it. */
  sql(dialect: Dialect): string {
    let sql = this.byDialect.get(dialect);
    if (sql === undefined) {
      let index = 0;
      sql = this.text.replace(/\?/g, () => dialect.parameter(++index));
      this.byDialect.set(dialect, sql);
    }
    return sql;
  }

  /** Runs the statement on `manager` with `parameters`; the driver's raw records. */
  async query(manager: EntityManager, parameters: readonly unknown[]): Promise<Record<string, unknown>[]> {
    return (await manager.query(this.sql(dialectOf(manager)), [...parameters])) as Record<string, unknown>[];
  }
}
