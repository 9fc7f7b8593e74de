import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { basicAuth, createClient, TestClient } from '../support/factories';

/**
 * TRUST_PROXY names proxies by address. The tests connect from 127.0.0.1: with TRUST_PROXY=loopback
 * that peer is a trusted proxy, with TRUST_PROXY=10.0.0.0/8 it is a client that reached the server
 * directly and must not choose its own address with X-Forwarded-For.
 */
const LOCKOUT = { CLIENT_AUTH_MAX_FAILURES: '3', CLIENT_AUTH_LOCKOUT_SECONDS: '60', ADMIN_PASSWORD };
const authorizeUrl = (client: TestClient) => `/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=http%3A%2F%2Ftest.com`;

async function clientCredentials(t: TestApp, client: TestClient, secret: string, forwardedFor: string) {
  return request(t.url)
    .post('/oauth2/token')
    .set('X-Forwarded-For', forwardedFor)
    .set('Authorization', basicAuth(client.clientId, secret))
    .type('form')
    .send({ grant_type: 'client_credentials' });
}

async function lastIssueIp(t: TestApp, client: TestClient): Promise<string> {
  const auth = `Bearer ${await adminToken(t)}`;
  const page = await request(t.url).get(`/admin/audit-events?type=token.issued&client_id=${client.clientId}`).set('Authorization', auth);
  return page.body.items[0].ip as string;
}

describe.each([
  {
    from: 'a peer that is not a trusted proxy',
    TRUST_PROXY: '10.0.0.0/8',
    lockout: 'ignores X-Forwarded-For: guesses under changing forged addresses lock out the peer itself',
    guessesFrom: ['203.0.113.1', '203.0.113.2', '203.0.113.3'],
    thenFrom: { '198.51.100.7': [429, 'too_many_requests'] },
    audit: 'records the peer address, not the forged one, in the audit trail',
    recordedIp: /127\.0\.0\.1/,
    cookies: 'ignores X-Forwarded-Proto: cookies are not marked Secure on a plain HTTP connection',
    secureCookies: false,
  },
  {
    from: 'a trusted proxy',
    TRUST_PROXY: 'loopback',
    lockout: 'counts failures against the forwarded client address, so one client is locked out and another is not',
    guessesFrom: ['203.0.113.9', '203.0.113.9', '203.0.113.9'],
    thenFrom: { '203.0.113.9': [429, 'too_many_requests'], '198.51.100.7': [200, undefined] },
    audit: 'records the forwarded client address in the audit trail',
    recordedIp: /^203\.0\.113\.50$/,
    cookies: 'believes X-Forwarded-Proto: https and marks the cookies Secure',
    secureCookies: true,
  },
])(`X-Forwarded-* from $from [${TEST_DB}]`, ({ TRUST_PROXY, lockout, guessesFrom, thenFrom, audit, recordedIp, cookies, secureCookies }) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ...LOCKOUT, TRUST_PROXY } });
  });
  afterAll(() => t.close());

  it(lockout, async () => {
    const victim = await createClient(t);
    for (const forwarded of guessesFrom) expect((await clientCredentials(t, victim, 'guess', forwarded)).status).toBe(401);
    const answers: Record<string, unknown[]> = {};
    for (const forwarded of Object.keys(thenFrom)) {
      const res = await clientCredentials(t, victim, victim.clientSecret!, forwarded);
      answers[forwarded] = [res.status, res.body.error];
    }
    expect(answers).toEqual(thenFrom);
  });

  it(audit, async () => {
    const client = await createClient(t);
    expect((await clientCredentials(t, client, client.clientSecret!, '203.0.113.50')).status).toBe(200);
    expect(await lastIssueIp(t, client)).toMatch(recordedIp);
  });

  it(cookies, async () => {
    const client = await createClient(t);
    const page = await request(t.url).get(authorizeUrl(client)).set('X-Forwarded-Proto', 'https');
    expect(page.status).toBe(200);
    const setCookie = String(page.headers['set-cookie']);
    expect(setCookie).toMatch(/oauth_csrf=/);
    expect({ csrfSecure: /oauth_csrf=[^;]+;.*Secure/.test(setCookie), anySecure: setCookie.includes('Secure') }).toEqual({
      csrfSecure: secureCookies,
      anySecure: secureCookies,
    });
  });
});
