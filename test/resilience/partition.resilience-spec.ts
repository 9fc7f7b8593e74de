import { connectTo } from '../support/sql';
import { adminToken } from '../support/admin';
import type { TestDatabase } from '../support/databases';
import { basicAuth } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { type ServerProcess, waitUntilReady } from '../support/server-process';
import { NO_RATE_LIMITS } from '../support/no-rate-limits';
import { startProxiedServer } from '../support/proxied-server';
import type { TcpProxy } from '../support/tcp-proxy';
import { sleep } from '../support/sleep';
import { sha256 } from '../support/sha256';

const ADMIN_PASSWORD = 'partition-admin-password';
const REQUEST_TIMEOUT_MS = 2000;

/**
 * A request answered 503 had no effect (SECURITY.md). The network to MariaDB partitions (open
 * connections go silent: no reset, nothing answered) while refreshes, code redemptions and
 * client_credentials requests run, and heals after they were answered. Then nothing that was
 * answered 503 may have happened: no token stored that no client received, every refresh token
 * and code still redeemable, every acknowledged token valid.
 */
describe('a database partition under load leaves no effect behind requests answered 503', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let server: ServerProcess;
  let stop: (() => Promise<void>) | undefined;
  let basic: string;
  let clientId: string;
  const user = { username: 'partitioned', password: 'partitioned-password' };

  beforeAll(async () => {
    ({ db, proxy, server, stop } = await startProxiedServer({
      ADMIN_PASSWORD,
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      LOG_LEVEL: 'error',
      ...NO_RATE_LIMITS,
    }));
    const admin = await adminToken(server, 'admin', ADMIN_PASSWORD);
    const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const client = (await fetch(`${server.url}/admin/applications`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        client_name: 'Partitioned',
        redirect_uris: ['http://test.com'],
        grant_types: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
        scope: 'read',
      }),
    }).then((res) => res.json())) as { client_id: string; client_secret: string };
    basic = basicAuth(client.client_id, client.client_secret);
    clientId = client.client_id;
    await fetch(`${server.url}/admin/users`, { method: 'POST', headers, body: JSON.stringify(user) });
  }, 60_000);
  afterAll(() => stop?.());

  async function post(path: string, body: URLSearchParams, authorization?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: authorization ? { authorization } : {},
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + 8000),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const token = (params: Record<string, string>) => post('/oauth2/token', new URLSearchParams(params), basic);

  async function storedAccessTokenHashes(): Promise<Set<string>> {
    const connection = await connectTo(db.database);
    try {
      const rows = await connection.query<{ token_hash: string }>('SELECT token_hash FROM access_tokens');
      return new Set(rows.map((row) => row.token_hash));
    } finally {
      await connection.close();
    }
  }

  it('answers 503 during the partition; after it heals, no unacknowledged token exists and every refresh and code works on retry', async () => {
    const refreshTokens: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await token({ grant_type: 'password', username: user.username, password: user.password, scope: 'read' });
      refreshTokens.push(res.body.refresh_token as string);
    }
    const browser = new FormBrowser(server.url);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const redirect = await approveAuthorization(
        browser,
        `/oauth2/authorize?response_type=code&client_id=${encodeURIComponent(clientId)}&redirect_uri=http%3A%2F%2Ftest.com&scope=read`,
        user,
      );
      codes.push(redirect.searchParams.get('code')!);
    }
    const before = await storedAccessTokenHashes();

    proxy.partition();
    const started = Date.now();
    const [refreshed, redeemed, credentials] = await Promise.all([
      Promise.all(refreshTokens.map((refreshToken) => token({ grant_type: 'refresh_token', refresh_token: refreshToken }))),
      Promise.all(codes.map((code) => token({ grant_type: 'authorization_code', code, redirect_uri: 'http://test.com' }))),
      Promise.all(Array.from({ length: 6 }, () => token({ grant_type: 'client_credentials' }))),
    ]);
    const answers = [...refreshed, ...redeemed, ...credentials];
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 503));
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 2000);

    proxy.heal();
    // Whatever the held connections still carried has now reached the database and run, or not.
    await waitUntilReady(server);
    await sleep(1000);

    const unacknowledged = [...(await storedAccessTokenHashes())].filter((hash) => !before.has(hash));
    expect(unacknowledged).toEqual([]);

    const retried = await Promise.all([
      ...refreshTokens.map((refreshToken) => token({ grant_type: 'refresh_token', refresh_token: refreshToken })),
      ...codes.map((code) => token({ grant_type: 'authorization_code', code, redirect_uri: 'http://test.com' })),
    ]);
    expect(retried.map((r) => `${r.status} ${String(r.body.error_description ?? '')}`)).toEqual(retried.map(() => '200 '));
    for (const r of retried) {
      const introspected = await post('/oauth2/introspect', new URLSearchParams({ token: r.body.access_token as string }), basic);
      expect(introspected.body.active).toBe(true);
    }
    const stored = await storedAccessTokenHashes();
    for (const r of retried) expect(stored.has(sha256(r.body.access_token as string))).toBe(true);
  }, 120_000);

  /**
   * The window a rollback cannot close: the COMMIT reached the database, its answer did not reach
   * the server, the client got a 503. The refresh token and the code are spent and their tokens
   * stored, but no client holds them: the refresh's retry must work; the code, single-use without
   * exception (RFC 6749 §4.1.2), is denied. Either way the tokens nobody received end up revoked.
   */
  it('a COMMIT whose answer was lost: the refresh answered 503 works on retry, the code is denied, and the tokens nobody received are revoked', async () => {
    const refreshToken = (await token({ grant_type: 'password', username: user.username, password: user.password, scope: 'read' })).body
      .refresh_token as string;
    const browser = new FormBrowser(server.url);
    const redirect = await approveAuthorization(
      browser,
      `/oauth2/authorize?response_type=code&client_id=${encodeURIComponent(clientId)}&redirect_uri=http%3A%2F%2Ftest.com&scope=read`,
      user,
    );
    const code = redirect.searchParams.get('code')!;
    const before = await storedAccessTokenHashes();

    proxy.holdRepliesAfterCommit();
    const lost = [
      await token({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      await token({ grant_type: 'authorization_code', code, redirect_uri: 'http://test.com' }),
    ];
    expect(lost.map((a) => a.status)).toEqual([503, 503]);
    proxy.heal();
    await waitUntilReady(server);
    // The scenario is the lost answer, not a rollback: both COMMITs went through.
    const committed = [...(await storedAccessTokenHashes())].filter((hash) => !before.has(hash));
    expect(committed).toHaveLength(2);
    // The compensator settles writes in doubt on its next tick (every 500 ms), not at readiness:
    // the retry comes once it has revoked what the lost COMMITs stored.
    const settled = Date.now() + 10_000;
    while ((await revokedAmong(committed)).includes(false)) {
      if (Date.now() > settled) throw new Error('the writes in doubt were not compensated');
      await sleep(100);
    }

    const retried = [
      await token({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      await token({ grant_type: 'authorization_code', code, redirect_uri: 'http://test.com' }),
    ];
    expect(retried.map((r) => `${r.status} ${String(r.body.error_description ?? '')}`)).toEqual(['200 ', '400 authorization code was already used']);
    const [refreshed] = retried;
    expect((await post('/oauth2/introspect', new URLSearchParams({ token: refreshed.body.access_token as string }), basic)).body.active).toBe(true);
    expect((await post('/oauth2/introspect', new URLSearchParams({ token: refreshed.body.refresh_token as string }), basic)).body.active).toBe(true);
    // What the lost COMMITs stored is revoked: no client holds a live token it never received.
    expect(await revokedAmong(committed)).toEqual(committed.map(() => true));
  }, 120_000);

  async function revokedAmong(hashes: string[]): Promise<boolean[]> {
    if (hashes.length === 0) return [];
    const connection = await connectTo(db.database);
    try {
      const rows = await connection.query<{ token_hash: string; revoked_at: unknown }>(
        'SELECT token_hash, revoked_at FROM access_tokens WHERE token_hash IN (?)',
        [hashes],
      );
      const revoked = new Map(rows.map((row) => [row.token_hash, row.revoked_at !== null]));
      return hashes.map((hash) => revoked.get(hash) ?? false);
    } finally {
      await connection.close();
    }
  }
});
