import { HostListPool, type Mysql2Module } from './mysql-pool';

/** A mysql2 pool per host: `silent` hosts never hand out a connection (a partition), the others at once. */
function fakeMysql(silent: Set<number>) {
  const handedOut: number[] = [];
  const mysql: Mysql2Module = {
    createPool: (options: object) => {
      const { port } = options as { port: number };
      return {
        getConnection: (callback) => {
          if (silent.has(port)) return;
          handedOut.push(port);
          callback(null, {
            query: (_sql: string, done: (error: Error | null, rows?: unknown) => void) => done(null, []),
            release: () => undefined,
            destroy: () => undefined,
          });
        },
        end: (callback) => callback?.(null),
      };
    },
  };
  return { mysql, handedOut };
}

describe('HostListPool', () => {
  const hosts = [
    { host: 'db1', port: 1 },
    { host: 'db2', port: 2 },
  ];

  it('passes over a host whose pool hands out nothing (a silent partition) for the next one, and skips it for a while', async () => {
    const { mysql, handedOut } = fakeMysql(new Set([1]));
    const pool = new HostListPool(mysql, {}, { hosts, galeraSyncWait: 1 });
    const get = () => new Promise<void>((resolve, reject) => pool.getConnection((error) => (error ? reject(error) : resolve())));
    const started = Date.now();
    await get();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(handedOut).toEqual([2]);
    const again = Date.now();
    await get();
    // db1 is passed over now: no second wait.
    expect(Date.now() - again).toBeLessThan(500);
  });

  it('waits on the last host as long as it takes', async () => {
    const { mysql } = fakeMysql(new Set([1]));
    const pool = new HostListPool(mysql, {}, { hosts: [hosts[0]], galeraSyncWait: 1 });
    let answered = false;
    pool.getConnection(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(answered).toBe(false);
  });
});
