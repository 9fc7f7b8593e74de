import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';

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
    const second = await request(t.url).post('/oauth2/token').type('form').send({ grant_type: 'client_credentials' });
    expect(second.status).toBe(401);
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });
});
