import request from 'supertest';
import { sha256Hex } from '../../src/common/crypto/tokens';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient, TestUser } from '../support/factories';

const REQUEST_TIMEOUT_MS = 1500;

/**
 * Issue 12 §1: a request answered 503 had no effect. Another MariaDB session holds the row lock of
 * a refresh token past the request timeout (as a partition or a long transaction would); the
 * refresh is answered 503; once the lock is released, its transaction must not go on and commit.
 */
(TEST_DB === 'mysql' ? describe : describe.skip)(`a token request or revocation answered 503 had no effect [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), RATE_LIMIT_TOKEN_PER_MINUTE: '0' } });
    client = await createClient(t);
    user = await createUser(t);
  });
  afterAll(() => t.close());

  const token = (body: Record<string, string>) => request(t.url).post('/oauth2/token').set('Authorization', client.basic).type('form').send(body);

  /** Runs `during` while another MariaDB session holds the row lock of a refresh token. */
  async function whileLocked<T>(refreshToken: string, during: () => Promise<T>): Promise<T> {
    const mysql = await import('mysql2/promise');
    const database = t.database.database as { host: string; port: number; username: string; password: string; database: string };
    const holder = await mysql.createConnection({
      host: database.host,
      port: database.port,
      user: database.username,
      password: database.password,
      database: database.database,
    });
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM refresh_tokens WHERE token_hash = ? FOR UPDATE', [sha256Hex(refreshToken)]);
      const result = await during();
      await holder.query('ROLLBACK');
      // Give a transaction that outlived its answer the time to take the lock and commit.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return result;
    } finally {
      await holder.end();
    }
  }
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
    const revoke = () => request(t.url).post('/oauth2/revoke').set('Authorization', client.basic).type('form').send({ token: issued.refresh_token });
    expect((await whileLocked(issued.refresh_token, revoke)).status).toBe(503);
    const introspected = await request(t.url).post('/oauth2/introspect').set('Authorization', client.basic).type('form').send({ token: issued.access_token });
    expect(introspected.body.active).toBe(true);
    expect((await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token })).status).toBe(200);
  });
});
