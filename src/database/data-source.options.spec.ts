import * as mysql2 from 'mysql2';
import { dataSourceOptions, PREPARED_STATEMENT_CACHE } from './data-source.options';

describe('dataSourceOptions on MySQL/MariaDB', () => {
  const options = dataSourceOptions({
    database: { type: 'mysql', host: '127.0.0.1', port: 3306, username: 'root', password: '', database: 'test' },
  } as Parameters<typeof dataSourceOptions>[0]) as { extra: Record<string, unknown> };

  it("bounds mysql2's prepared-statement cache, which it allocates in full on every connection", () => {
    expect(options.extra.maxPreparedStatements).toBe(PREPARED_STATEMENT_CACHE);
    // What a connection made with these options allocates: the cache's slots, not mysql2's 16,000.
    // The connection is created but never used (it fails to connect to a closed port, quietly).
    const connection = mysql2.createConnection({ host: '127.0.0.1', port: 1, ...options.extra }) as unknown as {
      _statements: { max: number };
      on(event: string, listener: () => void): void;
      destroy(): void;
    };
    connection.on('error', () => undefined);
    expect(connection._statements.max).toBe(PREPARED_STATEMENT_CACHE);
    connection.destroy();
  });
});
