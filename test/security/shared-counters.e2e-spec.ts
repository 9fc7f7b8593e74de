import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, tokenRequest } from '../support/factories';
import { REDIS_URL, skipWithoutRedis } from '../support/redis';

describe(`rate limits and lockouts shared through Redis by two instances [${TEST_DB}]`, () => {
  let skip = false;
  const running: TestApp[] = [];

  /** Two instances on one database and one Redis key space. */
  async function pair(env: Record<string, string>): Promise<[TestApp, TestApp]> {
    const shared = { REDIS_URL, REDIS_PREFIX: `test:${randomUUID()}:`, ...env };
    const a = await createTestApp({ env: shared });
    const b = await createTestApp({ env: shared, database: a.database });
    running.push(b, a);
    return [a, b];
  }

  beforeAll(async () => {
    skip = await skipWithoutRedis();
  });
  afterAll(async () => {
    for (const [i, app] of running.entries()) await app.close({ keepDatabase: i % 2 === 0 });
  });

  it('counts requests made to both instances against one per-IP limit', async () => {
    if (skip) return;
    const [a, b] = await pair({ RATE_LIMIT_TOKEN_PER_MINUTE: '6' });
    const client = await createClient(a);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const target = i % 2 === 0 ? a : b;
      statuses.push((await tokenRequest(target.url, { grant_type: 'client_credentials' }, client.basic)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  });

  it('keeps a user locked on instance B after failed logins on instance A', async () => {
    if (skip) return;
    const [a, b] = await pair({ LOGIN_MAX_FAILURES: '2' });
    const client = await createClient(a);
    const user = await createUser(a);
    const grant = (target: TestApp, password: string) =>
      request(target.url)
        .post('/oauth/token')
        .set('Authorization', client.basic)
        .type('form')
        .send({ grant_type: 'password', username: user.username, password });
    await grant(a, 'wrong');
    await grant(a, 'wrong');
    const onB = await grant(b, user.password);
    expect(onB.body.error_description).toBe('too many failed attempts for this user, try again later');
  });
});
