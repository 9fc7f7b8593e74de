import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTo } from '../support/sql';
import { ADMIN_PASSWORD, adminApi } from '../support/admin';
import { createTestDatabase, SERVER_DB, TestDatabase } from '../support/databases';
import { basicAuth } from '../support/factories';
import { ServerProcess, startServer, waitUntilReady } from '../support/server-process';
import { TcpProxy } from '../support/tcp-proxy';
import { sleep } from '../support/sleep';

const REQUEST_TIMEOUT_MS = 1500;

/**
 * A request answered 503 had no effect, even when its COMMIT reached the database and only the
 * answer was lost (SECURITY.md, "Requests answered 503"): the TCP proxy between the server and the
 * database lets every COMMIT through and holds what the database answers, so each token request
 * times out with a 503 while its tokens are stored. After the answers arrive (or, once the server
 * was killed meanwhile, after another process starts on its outbox), none of those tokens is active.
 */
describe(`tokens stored behind a lost COMMIT answer are revoked (${SERVER_DB})`, () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let server: ServerProcess | undefined;
  let outbox: string;
  let basic: string;

  const start = () =>
    startServer({
      ...db.env,
      DB_HOST: '127.0.0.1',
      DB_PORT: String(proxy.port),
      ADMIN_PASSWORD,
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      TOKEN_OUTBOX_DIR: outbox,
      // The killed process's file is taken over once its lease expires: short here, so the restart test waits little.
      TOKEN_OUTBOX_LEASE_SECONDS: '2',
      LOG_LEVEL: 'error',
      RATE_LIMIT_TOKEN_PER_MINUTE: '0',
      RATE_LIMIT_LOGIN_PER_MINUTE: '0',
    });

  beforeAll(async () => {
    db = await createTestDatabase(SERVER_DB);
    const database = db.database as { host: string; port: number };
    proxy = new TcpProxy(database.host, database.port);
    await proxy.start();
    outbox = mkdtempSync(join(tmpdir(), 'token-outbox-'));
    server = await start();
    const admin = await adminApi(server);
    const client = (
      await admin.post('/admin/applications', {
        client_name: 'Lost commits',
        redirect_uris: ['http://test.com'],
        grant_types: ['client_credentials'],
        scope: 'read',
      })
    ).body as { client_id: string; client_secret: string };
    basic = basicAuth(client.client_id, client.client_secret);
  }, 60_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await proxy?.close();
    await db?.drop();
    rmSync(outbox, { recursive: true, force: true });
  });

  const token = async (params: Record<string, string>) => {
    const res = await fetch(`${server!.url}/oauth2/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams(params) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  async function query<T extends Record<string, unknown>>(text: string, parameters: unknown[] = []): Promise<T[]> {
    const connection = await connectTo(db.database);
    try {
      return await connection.query<T>(text, parameters);
    } finally {
      await connection.close();
    }
  }
  /** Every stored token (access and refresh) by id, with whether it is revoked. */
  async function tokens(): Promise<Map<string, boolean>> {
    const rows = [
      ...(await query<{ id: string; revoked_at: unknown }>('SELECT id, revoked_at FROM access_tokens')),
      ...(await query<{ id: string; revoked_at: unknown }>('SELECT id, revoked_at FROM refresh_tokens')),
    ];
    return new Map(rows.map((row) => [row.id, row.revoked_at !== null]));
  }
  const compensatedEvents = async () => Number((await query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM audit_events WHERE type = 'token.compensated'`))[0].n);

  /** Waits until every token stored since `before` is revoked, and returns them. */
  async function revokedSince(before: Map<string, boolean>, expected: number): Promise<Map<string, boolean>> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const added = new Map([...(await tokens())].filter(([id]) => !before.has(id)));
      if ((added.size >= expected && [...added.values()].every(Boolean)) || Date.now() > deadline) return added;
      await sleep(250);
    }
  }

  it('revokes, once the answers arrive, the tokens of client_credentials requests answered 503', async () => {
    const before = await tokens();
    const events = await compensatedEvents();
    proxy.holdRepliesAfterCommit();
    const answers = [
      await token({ grant_type: 'client_credentials' }),
      await token({ grant_type: 'client_credentials' }),
      await token({ grant_type: 'client_credentials' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
    // The scenario is the lost answer: the COMMITs went through, three access tokens are stored.
    const stored = new Map([...(await tokens())].filter(([id]) => !before.has(id)));
    expect(stored.size).toBe(3);
    proxy.heal();
    await waitUntilReady(server!);

    const added = await revokedSince(before, 3);
    expect([...added.values()]).toEqual([true, true, true]);
    expect((await compensatedEvents()) - events).toBe(3);
    // The server serves on: a new token is acknowledged and stays active.
    const fresh = await token({ grant_type: 'client_credentials' });
    expect(fresh.status).toBe(200);
    await sleep(1000);
    const res = await fetch(`${server!.url}/oauth2/introspect`, {
      method: 'POST',
      headers: { authorization: basic },
      body: new URLSearchParams({ token: fresh.body.access_token as string }),
    });
    expect(((await res.json()) as { active: boolean }).active).toBe(true);
  }, 90_000);

  it('revokes them after a restart too: the next process compensates from the outbox the killed one left', async () => {
    const before = await tokens();
    proxy.holdRepliesAfterCommit();
    const answers = [await token({ grant_type: 'client_credentials' }), await token({ grant_type: 'client_credentials' })];
    expect(answers.map((a) => a.status)).toEqual([503, 503]);
    // Killed before any answer arrived: only the outbox on disk knows of these writes.
    await server!.stop('SIGKILL');
    server = undefined;
    proxy.heal();
    const stored = [...(await tokens())].filter(([id]) => !before.has(id));
    expect(stored.map(([, revoked]) => revoked)).toEqual([false, false]);

    server = await start();
    await waitUntilReady(server!);
    const added = await revokedSince(before, 2);
    expect([...added.values()]).toEqual([true, true]);
  }, 90_000);
});
