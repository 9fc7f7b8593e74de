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

describe(`X-Forwarded-* from a peer that is not a trusted proxy [${TEST_DB}]`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ...LOCKOUT, TRUST_PROXY: '10.0.0.0/8' } });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-For: guesses under changing forged addresses lock out the peer itself', async () => {
    const victim = await createClient(t);
    for (const forged of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      expect((await clientCredentials(t, victim, 'guess', forged)).status).toBe(401);
    }
    const refused = await clientCredentials(t, victim, victim.clientSecret!, '198.51.100.7');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_requests');
  });

  it('records the peer address, not the forged one, in the audit trail', async () => {
    const client = await createClient(t);
    expect((await clientCredentials(t, client, client.clientSecret!, '203.0.113.50')).status).toBe(200);
    expect(await lastIssueIp(t, client)).toMatch(/127\.0\.0\.1/);
  });

  it('ignores X-Forwarded-Proto: cookies are not marked Secure on a plain HTTP connection', async () => {
    const client = await createClient(t);
    const page = await request(t.url).get(authorizeUrl(client)).set('X-Forwarded-Proto', 'https');
    expect(page.status).toBe(200);
    const cookies = String(page.headers['set-cookie']);
    expect(cookies).toMatch(/oauth_csrf=/);
    expect(cookies).not.toContain('Secure');
  });
});

describe(`X-Forwarded-* from a trusted proxy [${TEST_DB}]`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ...LOCKOUT, TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => t.close());

  it('counts failures against the forwarded client address, so one client is locked out and another is not', async () => {
    const victim = await createClient(t);
    for (let i = 0; i < 3; i++) expect((await clientCredentials(t, victim, 'guess', '203.0.113.9')).status).toBe(401);
    expect((await clientCredentials(t, victim, victim.clientSecret!, '203.0.113.9')).status).toBe(429);
    expect((await clientCredentials(t, victim, victim.clientSecret!, '198.51.100.7')).status).toBe(200);
  });

  it('records the forwarded client address in the audit trail', async () => {
    const client = await createClient(t);
    expect((await clientCredentials(t, client, client.clientSecret!, '203.0.113.50')).status).toBe(200);
    expect(await lastIssueIp(t, client)).toBe('203.0.113.50');
  });

  it('believes X-Forwarded-Proto: https and marks the cookies Secure', async () => {
    const client = await createClient(t);
    const page = await request(t.url).get(authorizeUrl(client)).set('X-Forwarded-Proto', 'https');
    expect(page.status).toBe(200);
    expect(String(page.headers['set-cookie'])).toMatch(/oauth_csrf=[^;]+;.*Secure/);
  });
});
