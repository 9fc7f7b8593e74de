import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { adminToken } from '../support/admin';
import { basicAuth, tokenRequest } from '../support/factories';
import { ServerProcess, startServer } from '../support/server-process';

const ADMIN_PASSWORD = 'resilience-admin-password';

/**
 * Two server processes on one embedded SQLite file. A grant that spends a code or refresh token must
 * take SQLite's write lock with its first statement: a transaction that began with a read cannot be
 * upgraded once the other process has written (SQLITE_BUSY_SNAPSHOT), and the whole batch would fail.
 */
describe('two instances on one SQLite file', () => {
  let dir: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let basic: string;
  const user = { username: 'sharer', password: 'sharer-password' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oauth-sqlite-'));
    const env = {
      DB_TYPE: 'sqlite',
      DB_PATH: join(dir, 'shared.sqlite'),
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_TOKEN_PER_MINUTE: '0',
      RATE_LIMIT_LOGIN_PER_MINUTE: '0',
    };
    a = await startServer(env);
    b = await startServer(env);
    const admin = await adminToken(a, 'admin', ADMIN_PASSWORD);
    const client = (
      await request(a.url)
        .post('/admin/applications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ client_name: 'Sharer', redirect_uris: ['http://test.com'], grant_types: ['refresh_token', 'password', 'client_credentials'], scope: 'read' })
    ).body;
    basic = basicAuth(client.client_id, client.client_secret);
    await request(a.url).post('/admin/users').set('Authorization', `Bearer ${admin}`).send(user);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const token = (server: ServerProcess, body: Record<string, string>) => tokenRequest(server.url, body, basic);

  it('rotates refresh tokens on one instance while the other keeps issuing tokens, with no failure', async () => {
    const pairs = await Promise.all(Array.from({ length: 4 }, () => token(a, { grant_type: 'password', ...user, scope: 'read' })));
    let refreshTokens = pairs.map((r) => r.body.refresh_token as string);
    const statuses: number[] = [];
    for (let round = 0; round < 40; round++) {
      const [rotated] = await Promise.all([
        Promise.all(refreshTokens.map((refreshToken) => token(a, { grant_type: 'refresh_token', refresh_token: refreshToken }))),
        Promise.all(Array.from({ length: 16 }, () => token(b, { grant_type: 'client_credentials' }))),
      ]);
      statuses.push(...rotated.map((r) => r.status));
      refreshTokens = rotated.map((r) => (r.status === 200 ? (r.body.refresh_token as string) : refreshTokens[0]));
      if (rotated.some((r) => r.status !== 200)) break;
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses).toHaveLength(160);
  });
});
