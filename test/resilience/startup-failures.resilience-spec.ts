import { createServer, Server } from 'node:net';
import { createTestDatabase, TestDatabase, SERVER_DB } from '../support/databases';
import { FakeRedis } from '../support/fake-redis';
import { freePort } from '../support/free-port';
import { FailedStart, runUntilExit, startServer } from '../support/server-process';
import { TcpProxy } from '../support/tcp-proxy';
import { sleep } from '../support/sleep';

/** A failed start is one line on stderr, a non-zero exit and no stack trace, whatever the cause. */
function expectOneLineFailure(result: FailedStart, expected: RegExp): void {
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull();
  expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(expected)]);
  expect(result.stdout + result.stderr).not.toMatch(/^\s+at /m);
}

/** Runs `test` while another server holds a free port. */
async function withPortTaken(test: (port: number) => Promise<void>): Promise<void> {
  const port = await freePort();
  const squatter: Server = createServer();
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
  try {
    await test(port);
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
}

describe('a start that cannot succeed says why in one line', () => {
  let db: TestDatabase;
  let sqlite: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(SERVER_DB);
    sqlite = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await db?.drop();
    await sqlite?.drop();
  });

  it('refuses a port already in use before anything says the server started', async () => {
    await withPortTaken(async (port) => {
      const result = await runUntilExit({ ...sqlite.env, PORT: String(port) });
      expectOneLineFailure(result, new RegExp(`^Cannot start: port ${port} is already in use`));
      expect(result.stdout).not.toMatch(/started|listening/i);
    });
  });

  it('refuses a management port already in use', async () => {
    await withPortTaken(async (port) => {
      const result = await runUntilExit({ ...sqlite.env, MANAGEMENT_PORT: String(port) });
      expectOneLineFailure(result, new RegExp(`^Cannot start: port ${port} is already in use`));
    });
  });

  it('gives up on an unreachable database after STARTUP_WAIT_SECONDS of retries', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await runUntilExit({ ...db.env, DB_PORT: String(port), STARTUP_WAIT_SECONDS: '2' });
    expectOneLineFailure(result, new RegExp(`^Cannot start: database unreachable at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after waiting 2 s`));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('waits for a database that comes up within STARTUP_WAIT_SECONDS, then starts', async () => {
    const database = db.database as { host: string; port: number };
    const proxy = new TcpProxy(database.host, database.port);
    const port = await proxy.start();
    await proxy.refuse();
    const started = Date.now();
    const starting = startServer({ ...db.env, DB_PORT: String(port), STARTUP_WAIT_SECONDS: '20' });
    await sleep(1500);
    await proxy.restore();
    const server = await starting;
    try {
      expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    } finally {
      await server.stop();
      await proxy.close();
    }
  });

  it('names a database that does not exist', async () => {
    const result = await runUntilExit({ ...db.env, DB_NAME: 'no_such_oauth_database' });
    expectOneLineFailure(result, /^Cannot start: database "no_such_oauth_database" does not exist on .* \(create it, or set DB_NAME\)$/);
  });

  it('says the database refused the credentials, without the password', async () => {
    const result = await runUntilExit({ ...db.env, DB_USERNAME: 'no_such_user', DB_PASSWORD: 'wrong-database-password' });
    expectOneLineFailure(result, /^Cannot start: database authentication failed for user "no_such_user" .*check DB_USERNAME and DB_PASSWORD/);
    expect(result.stdout + result.stderr).not.toContain('wrong-database-password');
  });

  it('gives up on an unreachable Redis when REDIS_URL is set, without its password', async () => {
    const port = await freePort();
    const result = await runUntilExit({ ...sqlite.env, REDIS_URL: `redis://:redis-secret@127.0.0.1:${port}`, STARTUP_WAIT_SECONDS: '1' });
    expectOneLineFailure(result, new RegExp(`^Cannot start: Redis unreachable at 127\\.0\\.0\\.1:${port} .*after waiting 1 s`));
    expect(result.stderr).not.toContain('redis-secret');
  });

  it('refuses a Redis older than 7, which cannot run EXPIRE … NX', async () => {
    const redis = new FakeRedis({ version: '6.2.14' });
    const port = await redis.start();
    try {
      const result = await runUntilExit({ ...sqlite.env, REDIS_URL: `redis://127.0.0.1:${port}` });
      expectOneLineFailure(result, new RegExp(`^Cannot start: Redis at 127\\.0\\.0\\.1:${port} is version 6\\.2\\.14; the server needs Redis 7 or later`));
    } finally {
      await redis.close();
    }
  });

  it('never echoes a rejected ADMIN_PASSWORD', async () => {
    const result = await runUntilExit({ ...sqlite.env, ADMIN_PASSWORD: 'hunter2' });
    expectOneLineFailure(
      result,
      /^Invalid environment variable ADMIN_PASSWORD \(value hidden\): ADMIN_PASSWORD must be longer than or equal to 12 characters$/,
    );
    expect(result.stdout + result.stderr).not.toContain('hunter2');
  });

  it('says so when the SQLite folder cannot be created', async () => {
    const result = await runUntilExit({ DB_TYPE: 'sqlite', DB_PATH: '/proc/self/no-such-folder/oauth.sqlite' });
    expectOneLineFailure(result, /^Cannot start: the SQLite folder \/proc\/self\/no-such-folder cannot be created or written .*set DB_PATH/);
  });
});
