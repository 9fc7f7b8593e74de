import request from 'supertest';
import { ExpiredDataCleanupService } from '../../src/maintenance/expired-data-cleanup.service';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { createClient, createUser, revocationRequest, TestClient } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';

describe(`audit trail [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;
  let client: TestClient;

  beforeAll(async () => {
    ({ t, api } = await appWithAdminApi());
    client = await createClient(t, { scope: 'read' });
  });
  afterAll(() => t.close());

  const events = async (query = '') => (await api.get(`/admin/audit-events${query}`)).body;

  it('records logins, consents, token issue and revocation, and admin changes with who, when, client and IP', async () => {
    const user = await createUser(t);
    const before = Math.floor(Date.now() / 1000);
    await request(t.url)
      .post('/oauth/token')
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'password', username: user.username, password: 'nope' });
    const browser = new FormBrowser(t.url);
    await approveAuthorization(browser, `/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com`, user);
    const issued = await request(t.url)
      .post('/oauth/token')
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'password', username: user.username, password: user.password });
    await revocationRequest(t.url, { token: issued.body.access_token }, client.basic);
    const created = await api.post('/admin/users', { username: 'audited', password: 'audited-password' });

    const failure = (await events(`?type=login.failure&client_id=${client.clientId}`)).items[0];
    expect(failure).toMatchObject({ outcome: 'failure', subject: user.username, client_id: client.clientId, ip: expect.stringMatching(/127\.0\.0\.1/) });
    expect(failure.occurred_at).toBeGreaterThanOrEqual(before);
    expect((await events(`?type=login.success&user_id=${user.id}`)).items.map((e: { detail: { channel: string } }) => e.detail.channel).sort()).toEqual([
      'login_page',
      'password_grant',
    ]);
    expect((await events(`?type=consent.granted&user_id=${user.id}`)).items).toHaveLength(1);
    expect((await events(`?type=token.issued&user_id=${user.id}`)).items[0]).toMatchObject({
      client_id: client.clientId,
      detail: expect.objectContaining({ grant_type: 'password' }),
    });
    expect((await events('?type=token.revoked')).items[0].detail).toMatchObject({ reason: 'revocation_endpoint' });
    const admin = (await events('?type=admin.user.created')).items[0];
    expect(admin).toMatchObject({ subject: created.body.id, user_id: expect.any(String) });

    const everything = JSON.stringify(await events('?per_page=100'));
    expect(everything).not.toContain(issued.body.access_token);
    expect(everything).not.toContain(issued.body.refresh_token);
    expect(everything).not.toContain(user.password);
    expect(everything).not.toContain('audited-password');
    expect(everything).not.toContain(client.clientSecret);
  });

  it('paginates and filters by time', async () => {
    const page = await events('?per_page=2&page=1');
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
    expect((await events('?since=4102444800')).items).toEqual([]);
    expect((await api.get('/admin/audit-events?per_page=0')).status).toBe(400);
    expect((await request(t.url).get('/admin/audit-events')).status).toBe(401);
  });
});

describe(`expired data cleanup [${TEST_DB}]`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { CLEANUP_BATCH_SIZE: '2' } });
  });
  afterAll(() => t.close());

  it('deletes expired codes, tokens and sessions in batches, and nothing that is still valid', async () => {
    const client = await createClient(t);
    const user = await createUser(t);
    const browser = new FormBrowser(t.url);
    for (let i = 0; i < 3; i++) {
      await approveAuthorization(
        browser,
        `/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com&prompt=consent`,
        user,
      );
    }
    for (let i = 0; i < 5; i++) {
      await request(t.url)
        .post('/oauth/token')
        .set('Authorization', client.basic)
        .type('form')
        .send({ grant_type: 'password', username: user.username, password: user.password });
    }
    const count = async (table: string) => Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    const before = { codes: await count('authorization_codes'), access: await count('access_tokens'), refresh: await count('refresh_tokens') };
    expect(before).toEqual({ codes: 3, access: 5, refresh: 5 });

    // Expire some of each; leave the rest valid.
    await t.dataSource.query('UPDATE access_tokens SET expires_at = 1 WHERE id IN (SELECT id FROM (SELECT id FROM access_tokens ORDER BY id LIMIT 3) AS x)');
    await t.dataSource.query('UPDATE refresh_tokens SET expires_at = 1 WHERE id IN (SELECT id FROM (SELECT id FROM refresh_tokens ORDER BY id LIMIT 4) AS x)');
    await t.dataSource.query(
      'UPDATE authorization_codes SET expires_at = 1 WHERE id IN (SELECT id FROM (SELECT id FROM authorization_codes ORDER BY id LIMIT 2) AS x)',
    );
    await t.dataSource.query('UPDATE login_sessions SET expires_at = 1');
    // Pushed authorization requests: one expired, one still usable.
    await t.dataSource.query(
      `INSERT INTO pushed_authorization_requests (id, client_id, parameters, expires_at, spent_at) VALUES ('${'a'.repeat(64)}', 'c', '{}', 1, NULL), ('${'b'.repeat(64)}', 'c', '{}', 4102444800, NULL)`,
    );

    const deleted = await t.app.get(ExpiredDataCleanupService).runOnce();
    expect(deleted).toEqual({
      authorization_codes: 2,
      access_tokens: 3,
      refresh_tokens: 4,
      login_sessions: 1,
      pushed_authorization_requests: 1,
      replay_cache: 0,
      device_codes: 0,
      token_revocations: 0,
      upstream_login_states: 0,
      passkey_challenges: 0,
    });
    expect({ codes: await count('authorization_codes'), access: await count('access_tokens'), refresh: await count('refresh_tokens') }).toEqual({
      codes: 1,
      access: 2,
      refresh: 1,
    });
    expect(await count('login_sessions')).toBe(0);
    expect(await count('pushed_authorization_requests')).toBe(1);
    expect(Number((await t.dataSource.query('SELECT MIN(expires_at) AS m FROM access_tokens'))[0].m)).toBeGreaterThan(1);
    expect(await t.app.get(ExpiredDataCleanupService).runOnce()).toEqual({
      authorization_codes: 0,
      access_tokens: 0,
      refresh_tokens: 0,
      login_sessions: 0,
      pushed_authorization_requests: 0,
      replay_cache: 0,
      device_codes: 0,
      token_revocations: 0,
      upstream_login_states: 0,
      passkey_challenges: 0,
    });
  });
});
