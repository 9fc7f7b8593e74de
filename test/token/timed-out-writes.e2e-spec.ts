import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { connectTo, sql } from '../support/sql';
import { ADMIN_PASSWORD, adminApi } from '../support/admin';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import {
  basicAuth,
  createClient,
  createUser,
  introspectionRequest,
  passwordGrantRequest,
  revocationRequest,
  TestClient,
  TestUser,
  tokenRequest,
} from '../support/factories';
import { sleep } from '../support/sleep';
import { sha256 } from '../support/sha256';

const REQUEST_TIMEOUT_MS = 1500;

/**
 * A request answered 503 had no effect (SECURITY.md). Another MariaDB session holds the row lock of
 * a refresh token past the request timeout (as a partition or a long transaction would); the
 * refresh is answered 503; once the lock is released, its transaction must not go on and commit.
 */
(TEST_DB !== 'sqlite' ? describe : describe.skip)(`a token request or revocation answered 503 had no effect [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), RATE_LIMIT_TOKEN_PER_MINUTE: '0', ADMIN_PASSWORD } });
    client = await createClient(t);
    user = await createUser(t);
  });
  afterAll(() => t.close());

  const token = (body: Record<string, string>) => tokenRequest(t.url, body, client.basic);

  /** Runs `during` while another MariaDB session holds the row lock of a refresh token. */
  function whileLocked<T>(refreshToken: string, during: () => Promise<T>): Promise<T> {
    return whileRowLocked('SELECT id FROM refresh_tokens WHERE token_hash = ? FOR UPDATE', [sha256(refreshToken)], during);
  }

  /** Runs `during` while another database session holds the row locks `lockQuery` takes. */
  async function whileRowLocked<T>(lockQuery: string, parameters: readonly unknown[], during: () => Promise<T>): Promise<T> {
    const holder = await connectTo(t.database.database);
    try {
      await holder.query('BEGIN');
      await holder.query(lockQuery, [...parameters]);
      const result = await during();
      await holder.query('ROLLBACK');
      // Give a transaction that outlived its answer the time to take the lock and commit.
      await sleep(500);
      return result;
    } finally {
      await holder.close();
    }
  }
  /** RFC 7662: whether `app` sees `token` as active. */
  const isActive = async (app: TestClient, token: string): Promise<boolean> => (await introspectionRequest(t.url, { token }, app.basic)).body.active as boolean;
  const count = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM access_tokens'))[0].n);
  const passwordGrant = async () =>
    (await token({ grant_type: 'password', username: user.username, password: user.password })).body as { access_token: string; refresh_token: string };

  it('leaves the refresh token unspent and stores no token when the refresh timed out on a row lock; the retry succeeds', async () => {
    const issued = await passwordGrant();
    const tokensBefore = await count();
    const timedOut = await whileLocked(issued.refresh_token, () => token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token }));
    expect(timedOut.status).toBe(503);
    expect(await count()).toBe(tokensBefore);
    const retry = await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token });
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toEqual(expect.any(String));
  });

  it('revokes nothing when the revocation timed out on a row lock; the tokens still work', async () => {
    const issued = await passwordGrant();
    const revoke = () => revocationRequest(t.url, { token: issued.refresh_token }, client.basic);
    expect((await whileLocked(issued.refresh_token, revoke)).status).toBe(503);
    const introspected = await introspectionRequest(t.url, { token: issued.access_token }, client.basic);
    expect(introspected.body.active).toBe(true);
    expect((await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token })).status).toBe(200);
  });

  it('keeps the old client secret when a secret rotation timed out on a row lock; the retry rotates it', async () => {
    const admin = await adminApi(t);
    const credentials = () => tokenRequest(t.url, { grant_type: 'client_credentials' }, client.basic);
    const rotate = () => admin.post(`/admin/applications/${encodeURIComponent(client.clientId)}/secret`, {});
    const timedOut = await whileRowLocked('SELECT id FROM clients WHERE id = ? FOR UPDATE', [client.clientId], rotate);
    expect(timedOut.status).toBe(503);
    // The 503 had no effect: the old secret still works, and no event says it was rotated.
    expect((await credentials()).status).toBe(200);
    const events = async () =>
      Number((await t.dataSource.query("SELECT COUNT(*) AS n FROM audit_events WHERE type = 'admin.application.secret_rotated'"))[0].n);
    expect(await events()).toBe(0);
    const rotated = await rotate();
    expect(rotated.status).toBe(200);
    expect((await credentials()).status).toBe(401);
    expect((await tokenRequest(t.url, { grant_type: 'client_credentials' }, basicAuth(client.clientId, rotated.body.client_secret))).status).toBe(200);
    expect(await events()).toBe(1);
  });

  /**
   * Disabling and deleting at `path`, each while another session holds the row `lock` takes: both
   * are answered 503 and have no effect (`path` still answers `expected`, enabled, and `token.active`);
   * the retries then take effect whole (`token.ended`).
   */
  async function expectTimedOutChangesWithoutEffect(
    lock: readonly [string, readonly unknown[]],
    path: string,
    expected: object,
    token: { active(): Promise<boolean>; ended(): Promise<boolean> },
  ): Promise<void> {
    const admin = await adminApi(t);
    expect((await whileRowLocked(...lock, () => admin.patch(path, { enabled: false }))).status).toBe(503);
    expect((await whileRowLocked(...lock, () => admin.delete(path))).status).toBe(503);
    expect((await admin.get(path)).body).toMatchObject({ ...expected, enabled: true });
    expect(await token.active()).toBe(true);
    expect((await admin.patch(path, { enabled: false })).status).toBe(200);
    expect(await token.ended()).toBe(true);
    expect((await admin.delete(path)).status).toBe(204);
    expect((await admin.get(path)).status).toBe(404);
  }

  it('neither disables nor deletes an application, nor revokes its tokens, when the change timed out on a row lock', async () => {
    const app = await createClient(t);
    const issued = (await tokenRequest(t.url, { grant_type: 'client_credentials' }, app.basic)).body;
    await expectTimedOutChangesWithoutEffect(
      ['SELECT id FROM clients WHERE id = ? FOR UPDATE', [app.clientId]],
      `/admin/applications/${encodeURIComponent(app.clientId)}`,
      { client_id: app.clientId },
      {
        active: () => isActive(app, issued.access_token),
        // A disabled application cannot introspect: its token's row says it was revoked.
        ended: async () =>
          (await sql(t.dataSource, 'SELECT revoked_at FROM access_tokens WHERE token_hash = ?', [sha256(issued.access_token)]))[0].revoked_at !== null,
      },
    );
  });

  it('neither disables nor deletes a user, nor revokes their tokens, when the change timed out on a row lock', async () => {
    const someone = await createUser(t);
    const app = await createClient(t); // the suite's client had its secret rotated above
    const issued = (await passwordGrantRequest(t, app, someone, '/oauth2/token')).body;
    await expectTimedOutChangesWithoutEffect(
      ['SELECT id FROM users WHERE id = ? FOR UPDATE', [someone.id]],
      `/admin/users/${someone.id}`,
      { id: someone.id },
      {
        active: () => isActive(app, issued.access_token),
        ended: async () => !(await isActive(app, issued.access_token)),
      },
    );
  });

  it('neither widens a consent nor issues a code when the approval timed out on a row lock; approving again works', async () => {
    const app = await createClient(t, { scope: 'read write' });
    const someone = await createUser(t);
    const browser = new FormBrowser(t.url);
    const authorize = (scope: string) =>
      `/oauth2/authorize?response_type=code&client_id=${encodeURIComponent(app.clientId)}&redirect_uri=http%3A%2F%2Ftest.com&scope=${scope}`;
    await approveAuthorization(browser, authorize('read'), someone);
    const consentPage = await browser.get(authorize('read%20write'));
    expect(consentPage.body).toContain('value="approve"');
    const codes = async () => Number((await sql(t.dataSource, 'SELECT COUNT(*) AS n FROM authorization_codes WHERE user_id = ?', [someone.id]))[0].n);
    const codesBefore = await codes();
    const consentScope = async () => (await sql(t.dataSource, 'SELECT scope FROM consents WHERE user_id = ?', [someone.id]))[0].scope as string;
    const timedOut = await whileRowLocked('SELECT id FROM consents WHERE user_id = ? FOR UPDATE', [someone.id], () =>
      browser.submit(consentPage, { action: 'approve' }),
    );
    expect(timedOut.status).toBe(503);
    // Nothing happened: the consent is as it was and no code was stored.
    expect(await consentScope()).toBe('read');
    expect(await codes()).toBe(codesBefore);
    const redirect = await approveAuthorization(browser, authorize('read%20write'), someone);
    expect(redirect.searchParams.get('code')).toEqual(expect.any(String));
    expect(await consentScope()).toBe('read write');
  });

  it('keeps a consent and its tokens when withdrawing it on the account page timed out on a row lock', async () => {
    const app = await createClient(t, { scope: 'read' });
    const someone = await createUser(t);
    const browser = new FormBrowser(t.url);
    const redirect = await approveAuthorization(
      browser,
      `/oauth2/authorize?response_type=code&client_id=${encodeURIComponent(app.clientId)}&redirect_uri=http%3A%2F%2Ftest.com&scope=read`,
      someone,
    );
    const issued = (
      await tokenRequest(t.url, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: 'http://test.com' }, app.basic)
    ).body;
    const page = await browser.get('/account/consents');
    const timedOut = await whileRowLocked('SELECT id FROM consents WHERE user_id = ? FOR UPDATE', [someone.id], () => browser.submit(page, {}));
    expect(timedOut.status).toBe(503);
    const active = () => isActive(app, issued.access_token);
    expect(await active()).toBe(true);
    expect((await browser.get('/account/consents')).body).not.toContain('You have not given any application access.');
    expect((await browser.submit(await browser.get('/account/consents'), {})).body).toContain('Access revoked.');
    expect(await active()).toBe(false);
  });

  it('changes no scope, setting or signing key when the admin change timed out on a row lock', async () => {
    const admin = await adminApi(t);
    expect((await admin.post('/admin/scopes', { name: 'photos', description: 'Your photos' })).status).toBe(201);
    const scope = () => admin.patch('/admin/scopes/photos', { description: 'All your photos' });
    expect((await whileRowLocked('SELECT name FROM scopes WHERE name = ? FOR UPDATE', ['photos'], scope)).status).toBe(503);
    expect((await admin.get('/admin/scopes')).body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'photos', description: 'Your photos' })]));

    const ttl = (await admin.get('/admin/settings')).body.access_token_ttl as number;
    const settings = () => admin.patch('/admin/settings', { access_token_ttl: ttl + 1 });
    expect((await whileRowLocked('SELECT id FROM settings FOR UPDATE', [], settings)).status).toBe(503);
    expect((await admin.get('/admin/settings')).body.access_token_ttl).toBe(ttl);

    const keys = async () => ((await admin.get('/admin/keys')).body as unknown[]).length;
    const before = await keys();
    const rotate = () => admin.post('/admin/keys/rotate', { algorithms: ['ES256'] });
    expect((await whileRowLocked("SELECT kid FROM signing_keys WHERE alg = 'ES256' FOR UPDATE", [], rotate)).status).toBe(503);
    expect(await keys()).toBe(before);
    const events = Number(
      (
        await t.dataSource.query("SELECT COUNT(*) AS n FROM audit_events WHERE type IN ('admin.scope.updated', 'admin.settings.updated', 'admin.keys.rotated')")
      )[0].n,
    );
    expect(events).toBe(0);

    // The retries take effect.
    expect((await scope()).body.description).toBe('All your photos');
    expect((await settings()).body.access_token_ttl).toBe(ttl + 1);
    expect((await rotate()).status).toBe(201);
    expect(await keys()).toBe(before + 1);
  });

  it('creates no application or user when the creation timed out on a lock of its key (InnoDB: a gap lock; PostgreSQL: a table lock)', async () => {
    // PostgreSQL locks no row that does not exist: a SHARE lock on the table holds back every INSERT instead.
    const keyLock = (table: string, column: string, key: string): [string, string[]] =>
      TEST_DB === 'postgres' ? [`LOCK TABLE ${table} IN SHARE MODE`, []] : [`SELECT id FROM ${table} WHERE ${column} = ? FOR UPDATE`, [key]];
    const admin = await adminApi(t);
    const createApp = () => admin.post('/admin/applications', { client_name: 'Late', client_id: 'late-application' });
    expect((await whileRowLocked(...keyLock('clients', 'id', 'late-application'), createApp)).status).toBe(503);
    expect((await admin.get('/admin/applications/late-application')).status).toBe(404);
    const createUser = () => admin.post('/admin/users', { username: 'late-user', password: 'late-user-password' });
    expect((await whileRowLocked(...keyLock('users', 'username', 'late-user'), createUser)).status).toBe(503);
    expect((await admin.get('/admin/users?search=late-user')).body.total).toBe(0);
    expect((await createApp()).status).toBe(201);
    expect((await createUser()).status).toBe(201);
  });
});
