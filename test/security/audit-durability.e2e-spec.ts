import request from 'supertest';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, TestClient, tokenRequest } from '../support/factories';
import { sha256 } from '../support/sha256';
import { sql } from '../support/sql';

/**
 * The event of an acknowledged action is stored by the time the action is answered.
 * Each check reads the database directly, the moment the answer arrives: nothing may be left
 * waiting in process memory for a later flush.
 */
describe(`audit events are stored before the action is answered [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD, RATE_LIMIT_TOKEN_PER_MINUTE: '0' } });
    client = await createClient(t);
    admin = await adminToken(t);
  });
  afterAll(() => t.close());

  const count = async (text: string, parameters: unknown[]) => Number((await sql(t.dataSource, text, parameters))[0].n);
  const issuedEvents = (accessToken: string) =>
    count(`SELECT COUNT(*) AS n FROM access_tokens a JOIN audit_events e ON e.subject = a.id AND e.type = 'token.issued' WHERE a.token_hash = ?`, [
      sha256(accessToken),
    ]);
  const clientCredentials = () => tokenRequest(t.url, { grant_type: 'client_credentials' }, client.basic);

  it('has the token.issued event of every token in the database when the token is answered (40 concurrent requests)', async () => {
    const found = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const res = await clientCredentials();
        expect(res.status).toBe(200);
        return issuedEvents(res.body.access_token);
      }),
    );
    expect(found).toEqual(found.map(() => 1));
  });

  it('has the event of an admin change in the database when the change is answered', async () => {
    const created = await request(t.url)
      .post('/admin/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username: 'durable', password: 'durable-password' });
    expect(created.status).toBe(201);
    expect(await count(`SELECT COUNT(*) AS n FROM audit_events WHERE type = 'admin.user.created' AND subject = ?`, [created.body.id])).toBe(1);
  });

  it('has the revocation event in the database when the revocation is answered', async () => {
    const token = (await clientCredentials()).body.access_token as string;
    const id = (await sql(t.dataSource, 'SELECT id FROM access_tokens WHERE token_hash = ?', [sha256(token)]))[0].id as string;
    expect((await request(t.url).post('/oauth2/revoke').set('Authorization', client.basic).type('form').send({ token })).status).toBe(200);
    expect(await count(`SELECT COUNT(*) AS n FROM audit_events WHERE type = 'token.revoked' AND subject = ?`, [id])).toBe(1);
  });

  it('does not issue a token whose event cannot be stored: token and event are one commit', async () => {
    const tokensBefore = await count('SELECT COUNT(*) AS n FROM access_tokens', []);
    await t.dataSource.query('ALTER TABLE audit_events RENAME TO audit_events_away');
    try {
      const res = await clientCredentials();
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.body.access_token).toBeUndefined();
    } finally {
      await t.dataSource.query('ALTER TABLE audit_events_away RENAME TO audit_events');
    }
    expect(await count('SELECT COUNT(*) AS n FROM access_tokens', [])).toBe(tokensBefore);
    expect((await clientCredentials()).status).toBe(200);
  });
});
