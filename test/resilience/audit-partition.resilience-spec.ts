import { decodeJwt } from 'jose';
import { adminToken } from '../support/admin';
import { SERVER_DB, TestDatabase } from '../support/databases';
import { basicAuth } from '../support/factories';
import { startProxiedServer } from '../support/proxied-server';
import { type ServerProcess, waitUntilReady } from '../support/server-process';
import { sha256 } from '../support/sha256';
import { sleep } from '../support/sleep';
import { connectTo, count } from '../support/sql';
import type { TcpProxy } from '../support/tcp-proxy';

const ADMIN_PASSWORD = 'audit-partition-password';
const REQUEST_TIMEOUT_MS = 2000;
const AUDIT_BATCH_MAX = 32;

/** What the clients were told succeeded, and how every request was answered. */
interface Outcome {
  readonly opaque: string[];
  readonly jwts: string[];
  readonly userIds: string[];
  /** `<kind> <status>` → answers; `<kind> failed` for a request without an answer. */
  readonly statuses: Record<string, number>;
  /** 503 answers that carried a token anyway. */
  readonly tokensIn503: number;
}

/**
 * The group commit of audit events (AUDIT_BATCH_MAX, AUDIT_BATCH_LINGER_MS) under a network
 * partition to the database: open connections go silent mid-batch while token requests (opaque
 * and JWT access tokens) and admin changes are in flight. Every request is answered 503 or succeeds
 * with its event committed; after the partition heals, every acknowledged action has its event,
 * every stored token its event, and nothing answered 503 left a row behind, except what a COMMIT
 * already on the wire when the partition struck carried (its outcome unknowable to the server).
 */
describe(`the audit group commit under a database partition [${SERVER_DB}]`, () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let server: ServerProcess;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ db, proxy, server, stop } = await startProxiedServer({
      ADMIN_PASSWORD,
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      AUDIT_BATCH_MAX: String(AUDIT_BATCH_MAX),
      AUDIT_BATCH_LINGER_MS: '5',
      LOG_LEVEL: 'error',
      RATE_LIMIT_TOKEN_PER_MINUTE: '0',
    }));
  }, 60_000);
  afterAll(() => stop?.());

  async function application(admin: string, format: 'opaque' | 'jwt'): Promise<{ clientId: string; basic: string }> {
    const created = await fetch(`${server.url}/admin/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: `Partitioned ${format}`, grant_types: ['client_credentials'], scope: 'read', access_token_format: format }),
    });
    const client = (await created.json()) as { client_id: string; client_secret: string };
    return { clientId: client.client_id, basic: basicAuth(client.client_id, client.client_secret) };
  }

  /** Workers issuing tokens of both formats and creating users until `stop()` says so. */
  async function load(admin: string, basics: { opaque: string; jwt: string }, stop: (outcome: Outcome) => boolean): Promise<Outcome> {
    const outcome = { opaque: [] as string[], jwts: [] as string[], userIds: [] as string[], statuses: {} as Record<string, number>, tokensIn503: 0 };
    const tally = (key: string) => (outcome.statuses[key] = (outcome.statuses[key] ?? 0) + 1);
    const deadline = Date.now() + 60_000;
    let n = 0;
    const worker = async (kind: 'opaque' | 'jwt' | 'user') => {
      while (!stop(outcome)) {
        if (Date.now() > deadline) throw new Error(`load did not reach its goal: ${JSON.stringify(outcome.statuses)}`);
        try {
          if (kind === 'user') {
            const res = await fetch(`${server.url}/admin/users`, {
              method: 'POST',
              headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
              body: JSON.stringify({ username: `partitioned${n++}`, password: 'partitioned-password' }),
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + 8000),
            });
            tally(`user ${res.status}`);
            const body = (await res.json()) as { id?: string };
            if (res.status === 201) outcome.userIds.push(body.id!);
          } else {
            const res = await fetch(`${server.url}/oauth2/token`, {
              method: 'POST',
              headers: { authorization: basics[kind] },
              body: new URLSearchParams({ grant_type: 'client_credentials' }),
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + 8000),
            });
            tally(`${kind} ${res.status}`);
            const body = (await res.json()) as { access_token?: string };
            if (res.status === 200) (kind === 'jwt' ? outcome.jwts : outcome.opaque).push(body.access_token!);
            else if (body.access_token !== undefined) outcome.tokensIn503++;
          }
        } catch (error) {
          if ((error as Error).message.startsWith('load did not')) throw error;
          tally(`${kind} failed`);
          await sleep(20);
        }
      }
    };
    await Promise.all([
      ...Array.from({ length: 8 }, () => worker('opaque')),
      ...Array.from({ length: 6 }, () => worker('jwt')),
      ...Array.from({ length: 2 }, () => worker('user')),
    ]);
    return outcome;
  }

  it('answers 503 or commits the event; after healing, no acknowledged action lacks its event and no 503 left a row', async () => {
    const admin = await adminToken(server, 'admin', ADMIN_PASSWORD);
    const opaque = await application(admin, 'opaque');
    const jwt = await application(admin, 'jwt');
    const connection = await connectTo(db.database);
    try {
      const counts = async () => ({
        opaqueRows: count(await connection.query('SELECT COUNT(*) AS n FROM access_tokens WHERE client_id = ?', [opaque.clientId])),
        issuedEvents: count(
          await connection.query(`SELECT COUNT(*) AS n FROM audit_events WHERE type = 'token.issued' AND client_id IN (?)`, [[opaque.clientId, jwt.clientId]]),
        ),
        users: count(await connection.query(`SELECT COUNT(*) AS n FROM users WHERE username LIKE 'partitioned%'`)),
        userEvents: count(await connection.query(`SELECT COUNT(*) AS n FROM audit_events WHERE type = 'admin.user.created'`)),
      });

      const before = await counts();
      let phase: 'before' | 'partitioned' | 'done' = 'before';
      let partitionedAt = 0;
      const outcome = await load(admin, { opaque: opaque.basic, jwt: jwt.basic }, (ack) => {
        if (phase === 'before' && ack.opaque.length >= 150 && ack.jwts.length >= 100 && ack.userIds.length >= 2) {
          // Mid-load: batches are open, lingering or committing on the connections that go silent.
          proxy.partition();
          phase = 'partitioned';
          partitionedAt = Date.now();
        }
        // New requests keep coming into the partition until the first ones have timed out.
        if (phase === 'partitioned' && Date.now() - partitionedAt > REQUEST_TIMEOUT_MS + 1500) phase = 'done';
        return phase === 'done';
      });
      const answeredAt = Date.now();

      // Every request got an answer, and it was success or 503, nothing else; no 503 carried a token.
      const unexpected = Object.keys(outcome.statuses).filter((key) => !/ (200|201|503)$/.test(key));
      expect(unexpected).toEqual([]);
      expect(outcome.tokensIn503).toBe(0);
      expect(Object.keys(outcome.statuses).filter((key) => key.endsWith(' 503')).length).toBeGreaterThan(0);
      // Within the request timeout of the partition's start, whatever was still waiting was answered.
      expect(answeredAt - partitionedAt).toBeLessThan(REQUEST_TIMEOUT_MS * 2 + 4000);

      proxy.heal();
      await waitUntilReady(server, 30_000);
      // Whatever the held connections carried has reached the database and run, or not.
      await sleep(1500);

      // No acknowledged action lacks its event.
      const missing = { opaque: 0, jwt: 0, users: 0 };
      for (const token of outcome.opaque) {
        const rows = await connection.query(
          `SELECT e.id FROM access_tokens a JOIN audit_events e ON e.subject = a.id AND e.type = 'token.issued' WHERE a.token_hash = ?`,
          [sha256(token)],
        );
        if (rows.length !== 1) missing.opaque++;
      }
      for (const token of outcome.jwts) {
        const { jti } = decodeJwt(token) as { jti: string };
        const rows = await connection.query(`SELECT id FROM audit_events WHERE type = 'token.issued' AND subject = ?`, [jti]);
        if (rows.length !== 1) missing.jwt++;
      }
      for (const id of outcome.userIds) {
        const rows = await connection.query(
          `SELECT e.id FROM users u JOIN audit_events e ON e.subject = u.id AND e.type = 'admin.user.created' WHERE u.id = ?`,
          [id],
        );
        if (rows.length !== 1) missing.users++;
      }
      expect(missing).toEqual({ opaque: 0, jwt: 0, users: 0 });

      // Rows and events match one to one: no token without its event, no event without its action.
      const after = await counts();
      const orphans = await connection.query(
        `SELECT a.id FROM access_tokens a LEFT JOIN audit_events e ON e.subject = a.id AND e.type = 'token.issued' WHERE a.client_id = ? AND e.id IS NULL`,
        [opaque.clientId],
      );
      expect(orphans).toEqual([]);
      // No 503 left an effect, except what a COMMIT already on the wire carried: one batch each.
      const unacknowledged = {
        tokens: after.issuedEvents - before.issuedEvents - outcome.opaque.length - outcome.jwts.length,
        opaqueRows: after.opaqueRows - before.opaqueRows - outcome.opaque.length,
        users: after.users - before.users - outcome.userIds.length,
        userEvents: after.userEvents - before.userEvents - outcome.userIds.length,
      };
      // The events the COMMITs in doubt carried (one type literal or parameter per row written).
      const occurrences = (needle: string) => proxy.commitsInDoubt.reduce((sum, sent) => sum + sent.split(needle).length - 1, 0);
      const inDoubt = { tokens: occurrences('token.issued'), users: occurrences('admin.user.created') };
      process.stdout.write(
        `audit partition [${SERVER_DB}]: ${JSON.stringify({ statuses: outcome.statuses, unacknowledged, commitsInDoubt: inDoubt, ...after })}\n`,
      );
      expect(unacknowledged.users).toBe(unacknowledged.userEvents);
      expect(unacknowledged.tokens).toBeLessThanOrEqual(inDoubt.tokens);
      expect(unacknowledged.opaqueRows).toBeLessThanOrEqual(inDoubt.tokens);
      expect(unacknowledged.users).toBeLessThanOrEqual(inDoubt.users);
      expect(unacknowledged.tokens).toBeGreaterThanOrEqual(0);
      expect(unacknowledged.opaqueRows).toBeGreaterThanOrEqual(0);

      // And the service works again, each answer with its event.
      const res = await fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: opaque.basic },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      expect(res.status).toBe(200);
      expect((await counts()).issuedEvents).toBe(after.issuedEvents + 1);
    } finally {
      await connection.close();
    }
  }, 180_000);
});
