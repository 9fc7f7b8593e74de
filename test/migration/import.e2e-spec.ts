import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { basicAuth, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { TransactionRunner } from '../../src/database/unit-of-work/transaction-runner';
import { sql } from '../support/sql';

interface Vector {
  readonly format: string;
  readonly password: string;
  readonly hash: unknown;
}
/** Made by passlib, bcrypt, argon2-cffi and hashlib (test/fixtures/imported-password-hashes.py), not by our code. */
const VECTORS = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'imported-password-hashes.json'), 'utf8')) as Vector[];

describe(`migration: identities, password hashes, import and export [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => ({ t, api } = await appWithAdminApi()));
  afterAll(() => t.close());

  const post = (path: string, body: object) => api.post(path, body);
  const get = (path: string) => api.get(path);
  const counts = async () => {
    const [[clients], [users]] = await Promise.all([
      t.dataSource.query('SELECT COUNT(*) AS n FROM clients'),
      t.dataSource.query('SELECT COUNT(*) AS n FROM users'),
    ]);
    return { clients: Number(clients.n), users: Number(users.n) };
  };
  const clientCredentials = (clientId: string, secret: string) => tokenRequest(t.url, { grant_type: 'client_credentials' }, basicAuth(clientId, secret));
  const passwordGrant = (clientId: string, secret: string, username: string, password: string) =>
    request(t.url).post('/oauth/token').set('Authorization', basicAuth(clientId, secret)).type('form').send({ grant_type: 'password', username, password });

  describe('applications keep their identity', () => {
    it('creates an application with its old client_id and a strong secret, stored as SHA-256 and not flagged weak', async () => {
      const secret = 'a'.repeat(16) + 'B'.repeat(16);
      const res = await post('/admin/applications', {
        client_id: 'legacy.app-1',
        client_secret: secret,
        client_name: 'Legacy',
        grant_types: ['client_credentials'],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ client_id: 'legacy.app-1', weak_secret: false });
      expect(res.body.client_secret).toBeUndefined();
      expect((await clientCredentials('legacy.app-1', secret)).status).toBe(200);
      expect((await clientCredentials('legacy.app-1', `${secret}x`)).status).toBe(401);
      const [row] = await sql(t.dataSource, 'SELECT secret_hash FROM clients WHERE id = ?', ['legacy.app-1']);
      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it("stores a short imported secret with argon2id, flags it weak until rotated, and accepts it (Spring's 123456789)", async () => {
      const res = await post('/admin/applications', {
        client_id: 'spring_like',
        client_secret: '123456789',
        client_name: 'Spring',
        grant_types: ['client_credentials'],
      });
      expect(res.status).toBe(201);
      expect(res.body.weak_secret).toBe(true);
      const [row] = await sql(t.dataSource, 'SELECT secret_hash FROM clients WHERE id = ?', ['spring_like']);
      expect(row.secret_hash).toMatch(/^\$argon2id\$/);
      expect((await clientCredentials('spring_like', '123456789')).status).toBe(200);
      expect((await clientCredentials('spring_like', '12345678')).status).toBe(401);
      const rotated = await post('/admin/applications/spring_like/secret', {});
      expect((await get('/admin/applications/spring_like')).body.weak_secret).toBe(false);
      expect((await clientCredentials('spring_like', rotated.body.client_secret)).status).toBe(200);
    });

    it('answers 409 when the client_id is taken', async () => {
      expect((await post('/admin/applications', { client_id: 'taken-id', client_name: 'A' })).status).toBe(201);
      const again = await post('/admin/applications', { client_id: 'taken-id', client_name: 'B' });
      expect(again.status).toBe(409);
      expect(again.body.error_description).toBe('client_id is already taken');
    });

    it.each([
      ['a client_id with a non-printable character', { client_id: 'bad\u0007id' }, 'client_id'],
      ['a client_id over 255 characters', { client_id: 'x'.repeat(256) }, 'client_id'],
      ['a client_secret under 8 characters', { client_secret: 'short' }, 'client_secret'],
      ['a client_id with a trailing space (MySQL would compare it equal to one without)', { client_id: 'spaced ' }, 'client_id'],
      [
        'a secret for a public client',
        { client_secret: 'a-long-enough-secret', token_endpoint_auth_method: 'none', redirect_uris: ['https://a.example/cb'] },
        'client_secret',
      ],
    ])('answers 400 naming the field for %s', async (_name, fields, field) => {
      const res = await post('/admin/applications', { client_name: 'Bad', ...fields });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('refuses unknown fields with a 400 that names them, instead of dropping them', async () => {
      const res = await post('/admin/applications', { client_name: 'Typo', clientSecret: 'x', redirect_uri: 'https://a.example' });
      expect(res.status).toBe(400);
      expect(res.body.error_description).toContain('property clientSecret should not exist');
      expect(res.body.error_description).toContain('property redirect_uri should not exist');
      expect((await post('/admin/users', { username: 'typo', password: 'long-enough', mail: 'x@example.com' })).body.error_description).toContain(
        'property mail should not exist',
      );
    });

    it('gives an application created with only client_name working defaults: a confidential client_credentials client', async () => {
      const res = await post('/admin/applications', { client_name: 'Just a name' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
      expect((await clientCredentials(res.body.client_id, res.body.client_secret)).status).toBe(200);
    });
  });

  describe('users keep their passwords', () => {
    let app: { client_id: string; client_secret: string };
    beforeAll(async () => {
      app = (await post('/admin/applications', { client_name: 'Password app', grant_types: ['password', 'refresh_token'], scope: 'read' })).body;
    });

    it.each(VECTORS.map((v, i) => [v.format, v, i] as const))(
      'signs in with the old password of a %s hash, re-hashes it to argon2id, and signs in again',
      async (_format, vector, index) => {
        const username = `imported-${index}`;
        const created = await post('/admin/users', { username, password_hash: vector.hash });
        expect(created.status).toBe(201);
        expect(created.body.legacy_password_hash).toBe(true);
        expect((await passwordGrant(app.client_id, app.client_secret, username, 'not-the-password')).status).toBe(400);
        expect((await passwordGrant(app.client_id, app.client_secret, username, vector.password)).status).toBe(200);
        const [row] = await sql(t.dataSource, 'SELECT password_hash FROM users WHERE username = ?', [username]);
        expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        expect((await get(`/admin/users/${created.body.id}`)).body.legacy_password_hash).toBe(false);
        expect((await passwordGrant(app.client_id, app.client_secret, username, vector.password)).status).toBe(200);
      },
    );

    it('signs in on the login page with an imported bcrypt hash, and the hash is upgraded there too', async () => {
      const vector = VECTORS.find((v) => v.format === 'Spring {bcrypt}')!;
      const created = await post('/admin/users', { username: 'page-user', password_hash: vector.hash });
      const web = (await post('/admin/applications', { client_name: 'Web', redirect_uris: ['http://test.com'] })).body;
      const redirect = await approveAuthorization(
        new FormBrowser(t.url),
        `/oauth2/authorize?response_type=code&client_id=${web.client_id}&redirect_uri=http%3A%2F%2Ftest.com`,
        {
          username: 'page-user',
          password: vector.password,
        },
      );
      expect(redirect.searchParams.get('code')).toBeTruthy();
      expect((await get(`/admin/users/${created.body.id}`)).body.legacy_password_hash).toBe(false);
    });

    it('lists the users still on a legacy hash', async () => {
      const legacy = await post('/admin/users', { username: 'still-legacy', password_hash: VECTORS[0].hash });
      const listed = (await get('/admin/users?legacy_hash=true&per_page=100')).body.items.map((u: { username: string }) => u.username);
      expect(listed).toContain('still-legacy');
      expect(listed).not.toContain('imported-0');
      expect(legacy.body.legacy_password_hash).toBe(true);
    });

    it.each([
      ['an unsupported hash', { password_hash: '$1$saltsalt$qjXMvOMdp3Bq1bJ6oQGgP/' }],
      ['a WSO2 object with missing fields', { password_hash: { algorithm: 'SHA-256', value: 'x' } }],
      ['a number', { password_hash: 42 }],
    ])('answers 400 listing the accepted formats for %s', async (_name, fields) => {
      const res = await post('/admin/users', { username: 'bad-hash', ...fields });
      expect(res.status).toBe(400);
      expect(res.body.error_description).toContain('accepted formats: bcrypt');
    });

    it('wants exactly one of password and password_hash', async () => {
      expect((await post('/admin/users', { username: 'neither' })).status).toBe(400);
      expect((await post('/admin/users', { username: 'both', password: 'long-enough-1', password_hash: VECTORS[0].hash })).status).toBe(400);
    });
  });

  describe('refresh_token_rotation', () => {
    const setUp = async (rotation: 'rotate' | 'reuse') => {
      const app = (
        await post('/admin/applications', { client_name: `Refresh ${rotation}`, grant_types: ['password', 'refresh_token'], refresh_token_rotation: rotation })
      ).body;
      const username = `refresher-${rotation}`;
      await post('/admin/users', { username, password: 'refresh-password' });
      const first = (await passwordGrant(app.client_id, app.client_secret, username, 'refresh-password')).body;
      const refresh = (refreshToken: string = first.refresh_token) =>
        request(t.url)
          .post('/oauth/token')
          .set('Authorization', basicAuth(app.client_id, app.client_secret))
          .type('form')
          .send({ grant_type: 'refresh_token', refresh_token: refreshToken });
      return { app, first, refresh };
    };

    it('reuse: every refresh returns the same refresh token, and a revoked one stops working', async () => {
      const { app, first, refresh } = await setUp('reuse');
      expect(app.refresh_token_rotation).toBe('reuse');
      const a = await refresh();
      const b = await refresh();
      expect([a.status, b.status]).toEqual([200, 200]);
      expect([a.body.refresh_token, b.body.refresh_token]).toEqual([first.refresh_token, first.refresh_token]);
      await request(t.url)
        .post('/oauth2/revoke')
        .set('Authorization', basicAuth(app.client_id, app.client_secret))
        .type('form')
        .send({ token: first.refresh_token });
      expect((await refresh()).body.error).toBe('invalid_grant');
    });

    it('rotate (the default): a second use of the same refresh token, once its successor was used, is refused and revokes the family', async () => {
      const { refresh } = await setUp('rotate');
      const rotated = await refresh();
      expect(rotated.status).toBe(200);
      expect((await refresh(rotated.body.refresh_token)).status).toBe(200);
      expect((await refresh()).body).toMatchObject({ error: 'invalid_grant', error_description: 'refresh token was already used' });
      const introspected = await request(t.url).post('/oauth2/introspect').type('form').send({ token: rotated.body.access_token, client_id: 'admin-cli' });
      expect(introspected.body.active).toBe(false);
    });
  });

  describe('sign in with username or e-mail', () => {
    it('accepts the e-mail address in any case in the password grant, and keeps addresses unique regardless of case', async () => {
      const app = (await post('/admin/applications', { client_name: 'Mail app', grant_types: ['password'] })).body;
      expect((await post('/admin/users', { username: 'dora', email: 'Dora@Example.com', password: 'dora-password' })).status).toBe(201);
      expect((await passwordGrant(app.client_id, app.client_secret, 'dora@example.com', 'dora-password')).status).toBe(200);
      expect((await passwordGrant(app.client_id, app.client_secret, 'DORA@EXAMPLE.COM', 'dora-password')).status).toBe(200);
      expect((await passwordGrant(app.client_id, app.client_secret, 'dora', 'dora-password')).status).toBe(200);
      const clash = await post('/admin/users', { username: 'dora2', email: 'dora@EXAMPLE.com', password: 'dora-password' });
      expect(clash.status).toBe(409);
      expect(clash.body.error_description).toBe('email is already taken');
    });

    it("refuses a username that is another user's e-mail address, and the reverse", async () => {
      await post('/admin/users', { username: 'erin', email: 'erin@example.com', password: 'erin-password' });
      const username = await post('/admin/users', { username: 'Erin@Example.com', password: 'other-password' });
      expect(username.status).toBe(409);
      expect(username.body.error_description).toBe("username is another user's e-mail address");
      await post('/admin/users', { username: 'frank@example.com', password: 'frank-password' });
      const email = await post('/admin/users', { username: 'gina', email: 'frank@example.com', password: 'gina-password' });
      expect(email.status).toBe(409);
    });
  });

  describe('bulk import and export', () => {
    const document = (suffix: string) => ({
      applications: [
        { client_id: `bulk-a-${suffix}`, client_secret: 'bulk-secret-that-is-long-enough-32c', client_name: 'Bulk A', grant_types: ['client_credentials'] },
        { client_id: `bulk-b-${suffix}`, client_name: 'Bulk B', redirect_uris: ['https://b.example/cb'], token_endpoint_auth_method: 'none' },
      ],
      users: [{ username: `bulk-user-${suffix}`, email: `bulk-${suffix}@example.com`, password: 'bulk-password' }],
      settings: { access_token_ttl: 1800 },
    });

    it('answers a dry run with what would change and writes nothing', async () => {
      const before = await counts();
      const res = await post('/admin/import?dry_run=true', document('dry'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        dry_run: true,
        applications: { created: ['bulk-a-dry', 'bulk-b-dry'], updated: [], unchanged: [] },
        users: { created: ['bulk-user-dry'] },
        settings: 'updated',
      });
      expect(await counts()).toEqual(before);
      expect((await get('/admin/settings')).body.access_token_ttl).not.toBe(1800);
    });

    it('writes nothing when one entry among good ones is bad, and lists every bad entry by index and field', async () => {
      const before = await counts();
      const bad = document('bad');
      bad.applications.push({ client_id: 'bulk-c-bad', client_name: 'C', grant_types: ['implicit'] } as never);
      bad.users.push({ username: 'no-credential' } as never);
      const res = await post('/admin/import', bad);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['applications.2.grant_types', 'users.1.password']);
      expect(await counts()).toEqual(before);
    });

    it('names the index and field of a malformed entry, and unknown fields in entries', async () => {
      const res = await post('/admin/import', {
        applications: [{ client_id: 'x', client_name: 'X', colour: 'red' }],
        users: [{ username: 'u', password: 'short' }],
      });
      expect(res.status).toBe(400);
      const fields = res.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['applications.0.colour', 'users.0.password']));
    });

    it('rolls everything back when the database fails in the middle of the write', async () => {
      const runner = t.app.get(TransactionRunner);
      const run = runner.run.bind(runner);
      const spy = jest.spyOn(runner, 'run').mockImplementationOnce((work) =>
        run(async (manager) => {
          await work(manager);
          throw new Error('simulated failure after every row was written');
        }),
      );
      const before = await counts();
      const res = await post('/admin/import', document('rollback'));
      spy.mockRestore();
      expect(res.status).toBe(500);
      expect(await counts()).toEqual(before);
      expect((await get('/admin/applications/bulk-a-rollback')).status).toBe(404);
    });

    it('imports for real, all at once, and the same file twice changes nothing the second time', async () => {
      const first = await post('/admin/import', document('real'));
      expect(first.status).toBe(200);
      expect(first.body.applications.created).toEqual(['bulk-a-real', 'bulk-b-real']);
      expect((await clientCredentials('bulk-a-real', 'bulk-secret-that-is-long-enough-32c')).status).toBe(200);
      expect((await get('/admin/settings')).body.access_token_ttl).toBe(1800);
      const before = await counts();
      const second = await post('/admin/import', document('real'));
      expect(second.body).toEqual({
        dry_run: false,
        applications: { created: [], updated: [], unchanged: ['bulk-a-real', 'bulk-b-real'] },
        users: { created: [], updated: [], unchanged: ['bulk-user-real'] },
        settings: 'unchanged',
      });
      expect(await counts()).toEqual(before);
    });

    it('updates what differs, leaves credentials alone, and disabling an application through an import revokes its tokens', async () => {
      const token = (await clientCredentials('bulk-a-real', 'bulk-secret-that-is-long-enough-32c')).body.access_token;
      const changed = document('real');
      changed.applications[0] = {
        ...changed.applications[0],
        client_name: 'Bulk A renamed',
        client_secret: 'another-secret-that-is-long-enough',
        enabled: false,
      } as never;
      const res = await post('/admin/import', changed);
      expect(res.body.applications).toEqual({ created: [], updated: ['bulk-a-real'], unchanged: ['bulk-b-real'] });
      expect((await get('/admin/applications/bulk-a-real')).body).toMatchObject({ client_name: 'Bulk A renamed', enabled: false });
      const introspected = await request(t.url).post('/oauth2/introspect').type('form').send({ token, client_id: 'admin-cli' });
      expect(introspected.body.active).toBe(false);
    });

    it('disabling a user through an import revokes their tokens and ends their browser sessions, as the admin API does', async () => {
      const user = { username: 'bulk-disabled', password: 'bulk-disabled-password' };
      expect((await post('/admin/import', { users: [user] })).status).toBe(200);
      const app = (await post('/admin/applications', { client_name: 'Bulk password app', grant_types: ['password'], scope: 'read' })).body;
      const token = (await passwordGrant(app.client_id, app.client_secret, user.username, user.password)).body.access_token;
      const web = (await post('/admin/applications', { client_name: 'Bulk web', redirect_uris: ['http://test.com'] })).body;
      await approveAuthorization(
        new FormBrowser(t.url),
        `/oauth2/authorize?response_type=code&client_id=${web.client_id}&redirect_uri=http%3A%2F%2Ftest.com`,
        user,
      );
      const sessions = async () =>
        Number(
          (await sql(t.dataSource, 'SELECT COUNT(*) AS n FROM login_sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?', [user.username]))[0].n,
        );
      expect(await sessions()).toBe(1);

      const res = await post('/admin/import', { users: [{ username: user.username, enabled: false }] });
      expect(res.body.users).toEqual({ created: [], updated: [user.username], unchanged: [] });
      const introspected = await request(t.url).post('/oauth2/introspect').type('form').send({ token, client_id: 'admin-cli' });
      expect(introspected.body.active).toBe(false);
      expect(await sessions()).toBe(0);
    });

    it('exports the same shape without secrets or password hashes, and the export imports back as a no-op', async () => {
      const exported = await get('/admin/export');
      expect(exported.status).toBe(200);
      const text = JSON.stringify(exported.body);
      expect(text).not.toMatch(/"(client_secret|password|password_hash|secret_hash)":/);
      expect(text).not.toContain('$argon2');
      expect(exported.body.applications.find((a: { client_id: string }) => a.client_id === 'bulk-b-real')).toMatchObject({
        client_name: 'Bulk B',
        token_endpoint_auth_method: 'none',
      });
      const back = await post('/admin/import', exported.body);
      expect(back.status).toBe(200);
      expect(back.body.applications.created).toEqual([]);
      expect(back.body.applications.updated).toEqual([]);
      expect(back.body.users.updated).toEqual([]);
    });

    it('needs an admin token', async () => {
      expect((await request(t.url).post('/admin/import').send({})).status).toBe(401);
      expect((await request(t.url).get('/admin/export')).status).toBe(401);
    });
  });
});
