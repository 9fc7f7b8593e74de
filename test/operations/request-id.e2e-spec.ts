import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { tokenRequest } from '../support/factories';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe(`every request has an id, echoed in X-Request-Id [${TEST_DB}]`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it("keeps a well-formed incoming X-Request-Id (a proxy's correlation id)", async () => {
    const res = await request(t.url).get('/health/live').set('X-Request-Id', 'lb-7f3a:0042.retry_1');
    expect(res.headers['x-request-id']).toBe('lb-7f3a:0042.retry_1');
  });

  it.each([
    ['with spaces', 'abc def'],
    ['too long', 'a'.repeat(129)],
    ['with a quote', 'abc"def'],
  ])('replaces an incoming id %s with a generated one', async (_why, incoming) => {
    const res = await request(t.url).get('/health/live').set('X-Request-Id', incoming);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('generates a new id per request when none is sent, on errors too', async () => {
    const first = await request(t.url).get('/health/live');
    const second = await tokenRequest(t.url, { grant_type: 'client_credentials' });
    expect(second.status).toBe(401);
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('puts the request id in every error body, next to the RFC 6749 members', async () => {
    const res = await request(t.url).post('/oauth2/token').set('X-Request-Id', 'support-ticket-1').type('form').send({ grant_type: 'client_credentials' });
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'client authentication required', request_id: 'support-ticket-1' });
    const malformed = await request(t.url).get('/oauth2/%zz').set('X-Request-Id', 'support-ticket-2');
    expect(malformed.body).toMatchObject({ error: 'invalid_request', request_id: 'support-ticket-2' });
    expect(malformed.headers['x-request-id']).toBe('support-ticket-2');
  });

  it('shows the request id on the HTML error page of the authorization endpoint', async () => {
    const res = await request(t.url).get('/oauth2/authorize?response_type=code&client_id=no-such-client').set('X-Request-Id', 'support-ticket-3');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('Request id: <code>support-ticket-3</code>');
  });
});
