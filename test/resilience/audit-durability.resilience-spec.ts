import { connectTo } from '../support/sql';
import { adminToken } from '../support/admin';
import { createTestDatabase, SERVER_DB, TestDatabase } from '../support/databases';
import { basicAuth } from '../support/factories';
import { ServerProcess, startServer } from '../support/server-process';
import { TcpProxy } from '../support/tcp-proxy';
import { sleep } from '../support/sleep';
import { sha256 } from '../support/sha256';

const ADMIN_PASSWORD = 'audit-durability-password';

/** What the clients were told succeeded: each of these must have its audit event. */
interface Acknowledged {
  readonly accessTokens: string[];
  readonly userIds: string[];
}

/**
 * An event of an acknowledged action is never lost, whatever happens to the process
 * or the database right after the answer. Load runs against a separate server process; the fault
 * strikes mid-load; then the database itself is asked about every answer a client received.
 */
describe('audit events of acknowledged actions survive faults', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase(SERVER_DB);
  });
  afterEach(() => db?.drop());

  async function setUp(server: ServerProcess): Promise<{ admin: string; basic: string }> {
    const admin = await adminToken(server, 'admin', ADMIN_PASSWORD);
    const created = await fetch(`${server.url}/admin/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Audited', grant_types: ['client_credentials'], scope: 'read' }),
    });
    const client = (await created.json()) as { client_id: string; client_secret: string };
    return { admin, basic: basicAuth(client.client_id, client.client_secret) };
  }

  /** Token requests and admin changes from concurrent workers until `stop` says so (at most 40 s); failures are expected. */
  async function load(
    server: ServerProcess,
    credentials: { admin: string; basic: string },
    stop: (acknowledged: Acknowledged) => boolean,
  ): Promise<Acknowledged> {
    const acknowledged: Acknowledged = { accessTokens: [], userIds: [] };
    const statuses: Record<string, number> = {};
    const deadline = Date.now() + 40_000;
    let n = 0;
    const worker = async (admin: boolean) => {
      while (!stop(acknowledged)) {
        if (Date.now() > deadline)
          throw new Error(
            `load did not reach its goal: ${JSON.stringify({ statuses, tokens: acknowledged.accessTokens.length, users: acknowledged.userIds.length })}`,
          );
        try {
          if (admin) {
            const res = await fetch(`${server.url}/admin/users`, {
              method: 'POST',
              headers: { authorization: `Bearer ${credentials.admin}`, 'content-type': 'application/json' },
              body: JSON.stringify({ username: `user${n++}`, password: 'durable-password' }),
              signal: AbortSignal.timeout(8000),
            });
            statuses[`user ${res.status}`] = (statuses[`user ${res.status}`] ?? 0) + 1;
            if (res.status === 201) acknowledged.userIds.push(((await res.json()) as { id: string }).id);
          } else {
            const res = await fetch(`${server.url}/oauth2/token`, {
              method: 'POST',
              headers: { authorization: credentials.basic },
              body: new URLSearchParams({ grant_type: 'client_credentials' }),
              signal: AbortSignal.timeout(8000),
            });
            statuses[`token ${res.status}`] = (statuses[`token ${res.status}`] ?? 0) + 1;
            if (res.status === 200) acknowledged.accessTokens.push(((await res.json()) as { access_token: string }).access_token);
          }
        } catch (error) {
          if ((error as Error).message.startsWith('load did not')) throw error;
          statuses.failed = (statuses.failed ?? 0) + 1;
          // Connection reset or refused by a dying server: not acknowledged.
          await sleep(20);
        }
      }
    };
    await Promise.all([...Array.from({ length: 16 }, () => worker(false)), ...Array.from({ length: 2 }, () => worker(true))]);
    return acknowledged;
  }

  /** Acknowledged actions whose event the database does not hold. */
  async function missingEvents(acknowledged: Acknowledged): Promise<{ tokens: number; users: number }> {
    const connection = await connectTo(db.database);
    try {
      let tokens = 0;
      for (const token of acknowledged.accessTokens) {
        const rows = await connection.query(
          `SELECT e.id FROM access_tokens a JOIN audit_events e ON e.subject = a.id AND e.type = 'token.issued' WHERE a.token_hash = ?`,
          [sha256(token)],
        );
        if (rows.length !== 1) tokens++;
      }
      let users = 0;
      for (const id of acknowledged.userIds) {
        const rows = await connection.query(`SELECT id FROM audit_events WHERE type = 'admin.user.created' AND subject = ?`, [id]);
        if (rows.length !== 1) users++;
      }
      return { tokens, users };
    } finally {
      await connection.close();
    }
  }

  it('keeps the event of every acknowledged token and admin change when the process is killed (SIGKILL) under load', async () => {
    const server = await startServer({ ...db.env, ADMIN_PASSWORD, LOG_LEVEL: 'warn', RATE_LIMIT_TOKEN_PER_MINUTE: '0' });
    try {
      const credentials = await setUp(server);
      let killed = false;
      const acknowledged = await load(server, credentials, (ack) => {
        // Kill while requests are in flight, once enough answers arrived to have something to lose.
        if (!killed && ack.accessTokens.length >= 300 && ack.userIds.length >= 3) {
          killed = true;
          server.process.kill('SIGKILL');
        }
        return killed;
      });
      expect(acknowledged.accessTokens.length).toBeGreaterThanOrEqual(300);
      expect(await missingEvents(acknowledged)).toEqual({ tokens: 0, users: 0 });
    } finally {
      await server.stop('SIGKILL');
    }
  }, 120_000);

  it('keeps the event of every acknowledged token and admin change when the database connections drop under load', async () => {
    const database = db.database as { host: string; port: number };
    const proxy = new TcpProxy(database.host, database.port);
    const port = await proxy.start();
    const server = await startServer({
      ...db.env,
      DB_HOST: '127.0.0.1',
      DB_PORT: String(port),
      ADMIN_PASSWORD,
      LOG_LEVEL: 'error',
      RATE_LIMIT_TOKEN_PER_MINUTE: '0',
      REQUEST_TIMEOUT_MS: '3000',
    });
    try {
      const credentials = await setUp(server);
      let phase: 'before' | 'down' | 'after' | 'done' = 'before';
      let afterFrom = 0;
      const acknowledged = await load(server, credentials, (ack) => {
        if (phase === 'before' && ack.accessTokens.length >= 200 && ack.userIds.length >= 2) {
          phase = 'down';
          // Connections drop mid-load (in-flight statements fail), then the database comes back.
          void proxy
            .refuse()
            .then(() => sleep(1000))
            .then(() => proxy.restore())
            .then(() => {
              phase = 'after';
              afterFrom = ack.accessTokens.length;
            });
        }
        if (phase === 'after' && ack.accessTokens.length >= afterFrom + 200) phase = 'done';
        return phase === 'done';
      });
      expect(await missingEvents(acknowledged)).toEqual({ tokens: 0, users: 0 });
    } finally {
      await server.stop('SIGKILL');
      await proxy.close();
    }
  }, 120_000);
});
