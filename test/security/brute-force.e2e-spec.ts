import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { basicAuth, createClient, createUser, TestClient, TestUser, tokenRequest } from '../support/factories';
import { FormBrowser } from '../support/form-browser';
import { sleep } from '../support/sleep';

describe(`brute-force defences [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;

  beforeAll(async () => {
    t = await createTestApp({
      env: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '2', CLIENT_AUTH_MAX_FAILURES: '3', CLIENT_AUTH_LOCKOUT_SECONDS: '2', TRUST_PROXY: 'loopback' },
    });
    client = await createClient(t);
  });
  afterAll(() => t.close());

  const passwordGrant = (user: TestUser, password: string) =>
    request(t.url).post('/oauth/token').set('Authorization', client.basic).type('form').send({ grant_type: 'password', username: user.username, password });

  it('locks a user after repeated failed password grants, refuses even the right password, and unlocks by itself', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i++) expect((await passwordGrant(user, 'wrong')).body.error_description).toBe('invalid resource owner credentials');
    const locked = await passwordGrant(user, user.password);
    expect(locked.status).toBe(400);
    expect(locked.body).toEqual({
      error: 'invalid_grant',
      error_description: 'too many failed attempts for this user, try again later',
      request_id: expect.any(String),
    });
    await sleep(2100);
    expect((await passwordGrant(user, user.password)).status).toBe(200);
  });

  it('locks the same user on the login page, with a 429 page that says when to retry', async () => {
    const user = await createUser(t);
    const browser = new FormBrowser(t.url);
    let page = await browser.get(`/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com`);
    for (let i = 0; i < 3; i++) page = await browser.submit(page, { username: user.username, password: 'wrong' });
    const locked = await browser.submit(page, { username: user.username, password: user.password });
    expect(locked.status).toBe(429);
    expect(locked.body).toContain('Too many failed attempts. Try again in 1 minute.');
    expect((await passwordGrant(user, user.password)).body.error).toBe('invalid_grant');
  });

  it('a successful login clears the failure count', async () => {
    const user = await createUser(t);
    await passwordGrant(user, 'wrong');
    await passwordGrant(user, 'wrong');
    expect((await passwordGrant(user, user.password)).status).toBe(200);
    await passwordGrant(user, 'wrong');
    await passwordGrant(user, 'wrong');
    expect((await passwordGrant(user, user.password)).status).toBe(200);
  });

  it('refuses a client id with 429 and Retry-After after repeated failed authentications, then lets it in again', async () => {
    const victim = await createClient(t);
    for (let i = 0; i < 3; i++) {
      const res = await tokenRequest(t.url, { grant_type: 'client_credentials' }, basicAuth(victim.clientId, 'guess'));
      expect(res.status).toBe(401);
    }
    const refused = await tokenRequest(t.url, { grant_type: 'client_credentials' }, victim.basic);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await sleep(2100);
    expect((await tokenRequest(t.url, { grant_type: 'client_credentials' }, victim.basic)).status).toBe(200);
  });

  it('lets no more than the allowed number of guesses through in a concurrent burst', async () => {
    const user = await createUser(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => passwordGrant(user, 'wrong').then((r) => r.body.error_description as string)));
    expect(results.filter((d) => d === 'invalid resource owner credentials')).toHaveLength(3);
    expect(results.filter((d) => d === 'too many failed attempts for this user, try again later')).toHaveLength(17);
  });

  (TEST_DB === 'mysql' ? it : it.skip)('counts every spelling MySQL matches to the same account (trailing space, case)', async () => {
    const user = await createUser(t, { username: 'lookalike@example.com' });
    for (const spelling of ['lookalike@example.com', 'LOOKALIKE@example.com', 'lookalike@example.com ']) {
      await passwordGrant({ ...user, username: spelling }, 'wrong');
    }
    expect((await passwordGrant(user, user.password)).body.error_description).toBe('too many failed attempts for this user, try again later');
  });

  it('locks a guessing IP out of a client id without locking the real client out elsewhere', async () => {
    const victim = await createClient(t);
    const from = (ip: string, secret: string) =>
      request(t.url)
        .post('/oauth2/token')
        .set('X-Forwarded-For', ip)
        .set('Authorization', basicAuth(victim.clientId, secret))
        .type('form')
        .send({ grant_type: 'client_credentials' });
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.9', 'guess')).status).toBe(401);
    expect((await from('203.0.113.9', victim.clientSecret!)).status).toBe(429);
    expect((await from('198.51.100.7', victim.clientSecret!)).status).toBe(200);
  });

  it('answers a wrong client id and a wrong secret with the same error', async () => {
    // One request id for both, so that the bodies (which echo it) can be compared whole.
    const attempt = (clientId: string) =>
      request(t.url)
        .post('/oauth2/token')
        .set('Authorization', basicAuth(clientId, 'x'))
        .set('X-Request-Id', 'same-attempt')
        .type('form')
        .send({ grant_type: 'client_credentials' });
    const unknown = await attempt('no-such-client');
    const wrong = await attempt(client.clientId);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
  });
});

describe(`per-IP rate limits [${TEST_DB}]`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_TOKEN_PER_MINUTE: '5', RATE_LIMIT_AUTHORIZE_PER_MINUTE: '3', RATE_LIMIT_LOGIN_PER_MINUTE: '2' } });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the token endpoint limit', async () => {
    const client = await createClient(t);
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await tokenRequest(t.url, { grant_type: 'client_credentials' }, client.basic);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(last!.body.error).toBe('too_many_requests');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('limits the authorize and login routes separately', async () => {
    const client = await createClient(t);
    const url = `/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com`;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(t.url).get(url)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const posts = [];
    for (let i = 0; i < 3; i++) posts.push((await request(t.url).post('/account/consents').type('form').send({ action: 'login' })).status);
    expect(posts[2]).toBe(429);
  });
});
