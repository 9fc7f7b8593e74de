import { Logger } from '@nestjs/common';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createClient, createUser, tokenRequest } from '../support/factories';

/** Every message the Nest Logger writes from now on, as `level: message`, until `restore`. */
function captureLogs(): { readonly lines: string[]; restore(): void } {
  const lines: string[] = [];
  const spies = (['log', 'warn', 'error'] as const).map((level) =>
    jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void lines.push(`${level}: ${args.map(String).join(' ')}`)),
  );
  return { lines, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

describe(`admin authentication and bootstrap [${TEST_DB}]`, () => {
  let t: TestApp;
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'oauth-admin-bootstrap-'));
    t = await createTestApp({ env: { ADMIN_PASSWORD } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('creates the first administrator and the public admin-cli client on first start', async () => {
    const token = await adminToken(t);
    const res = await request(t.url).get('/admin/applications/admin-cli').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      client_id: 'admin-cli',
      token_endpoint_auth_method: 'none',
      scope: 'admin',
      grant_types: ['password', 'authorization_code', 'refresh_token'],
    });
  });

  it('does not create a second administrator on the next start', async () => {
    await t.close({ keepDatabase: true });
    t = await createTestApp({ database: t.database, env: { ADMIN_USERNAME: 'someone-else', ADMIN_PASSWORD: 'another-password-123' } });
    const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM users WHERE roles LIKE '%"admin"%'`);
    expect(Number(n)).toBe(1);
    await expect(adminToken(t)).resolves.toEqual(expect.any(String));
  });

  it('generates a password when none is configured, writes it to a file of its own user only, and never logs it', async () => {
    const logs = captureLogs();
    const passwordFile = join(home, 'data', 'initial-admin-password');
    let app: TestApp | undefined;
    try {
      app = await createTestApp({ env: { ADMIN_PASSWORD_FILE: passwordFile } });
      const password = readFileSync(passwordFile, 'utf8').trim();
      expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(passwordFile)).mode & 0o777).toBe(0o700);
      await expect(adminToken(app, 'admin', password)).resolves.toEqual(expect.any(String));
      expect(logs.lines.filter((line) => line.includes(`its generated password is in ${passwordFile}`))).toHaveLength(1);

      rmSync(passwordFile);
      const { database } = app;
      await app.close({ keepDatabase: true });
      app = undefined;
      app = await createTestApp({ database, env: { ADMIN_PASSWORD_FILE: passwordFile } });
      expect(existsSync(passwordFile)).toBe(false);
      expect(logs.lines.filter((line) => line.includes('generated password'))).toHaveLength(1);
      expect(logs.lines.filter((line) => line.includes(password))).toEqual([]);
    } finally {
      await app?.close();
      logs.restore();
    }
  });

  it('creates no administrator while the password file exists already, and does on a later start once it is gone', async () => {
    const logs = captureLogs();
    const passwordFile = join(home, 'existing-password');
    writeFileSync(passwordFile, 'left by an earlier start\n');
    let app: TestApp | undefined;
    try {
      app = await createTestApp({ env: { ADMIN_PASSWORD_FILE: passwordFile } });
      const [{ n }] = await app.dataSource.query(`SELECT COUNT(*) AS n FROM users WHERE roles LIKE '%"admin"%'`);
      expect(Number(n)).toBe(0);
      expect(readFileSync(passwordFile, 'utf8')).toBe('left by an earlier start\n');
      expect(logs.lines).toContainEqual(
        expect.stringMatching(
          /^error: Could not write the generated administrator password to \S+existing-password \(EEXIST: left by an earlier start; delete it if no administrator was created from it\)/,
        ),
      );

      rmSync(passwordFile);
      const { database } = app;
      await app.close({ keepDatabase: true });
      app = undefined;
      app = await createTestApp({ database, env: { ADMIN_PASSWORD_FILE: passwordFile } });
      await expect(adminToken(app, 'admin', readFileSync(passwordFile, 'utf8').trim())).resolves.toEqual(expect.any(String));
    } finally {
      await app?.close();
      logs.restore();
    }
  });

  it('answers 401 without a token and with an invalid one', async () => {
    const none = await request(t.url).get('/admin/applications');
    expect(none.status).toBe(401);
    const bad = await request(t.url).get('/admin/users').set('Authorization', 'Bearer not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers 403 insufficient_scope for an admin token without the admin scope', async () => {
    const client = await createClient(t, { scope: 'read admin' });
    const res = await tokenRequest(t.url, { grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD, scope: 'read' }, client.basic);
    const forbidden = await request(t.url).get('/admin/settings').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toBe('insufficient_scope');
    expect(forbidden.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('answers 403 for the client_credentials token of an application that lists the admin scope: the token carries none', async () => {
    const client = await createClient(t, { scope: 'admin' });
    const res = await tokenRequest(t.url, { grant_type: 'client_credentials' }, client.basic);
    expect(res.body.scope).toBe('');
    const forbidden = await request(t.url).get('/admin/settings').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(forbidden.status).toBe(403);
  });

  it('never gives the admin scope to a user without the admin role', async () => {
    const user = await createUser(t);
    const res = await tokenRequest(t.url, { grant_type: 'password', client_id: 'admin-cli', username: user.username, password: user.password, scope: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('stops accepting an administrator’s token once the admin role is removed', async () => {
    const token = await adminToken(t);
    const other = await request(t.url)
      .post('/admin/users')
      .set('Authorization', `Bearer ${token}`)
      .send({ username: 'second-admin', password: 'second-admin-pass', roles: ['admin'] });
    const secondToken = await adminToken(t, 'second-admin', 'second-admin-pass');
    await request(t.url).patch(`/admin/users/${other.body.id}`).set('Authorization', `Bearer ${token}`).send({ roles: [] });
    // Removing the role revoked the access tokens carrying the admin scope.
    const res = await request(t.url).get('/admin/settings').set('Authorization', `Bearer ${secondToken}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('checks the admin role on every request, also for a token whose role was removed by another path than the admin API', async () => {
    const user = await createUser(t, { roles: ['admin'] });
    const token = await adminToken(t, user.username, user.password);
    await t.users.update(user.id, { roles: [] });
    const res = await request(t.url).get('/admin/settings').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
  });
});
