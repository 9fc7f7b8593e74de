import request from 'supertest';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, TestClient, tokenRequest } from '../support/factories';
import { rawHttp } from '../support/raw-http';

/** 1,500 levels of `[`, about 3 KB: deep enough to exhaust any recursive walk of the parsed body. */
const DEEP = `${'['.repeat(1500)}${']'.repeat(1500)}`;
const REQUEST_TIMEOUT_MS = 1500;

function expectInvalidRequest(res: { status: number; body: unknown }, status = 400): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual(expect.objectContaining({ error: 'invalid_request', error_description: expect.any(String) }));
}

describe(`hostile input gets a 4xx, never a 5xx [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD, REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), RATE_LIMIT_TOKEN_PER_MINUTE: '0' } });
    client = await createClient(t);
    admin = await adminToken(t);
  });
  afterAll(() => t.close());

  describe('deeply nested JSON is refused before it is walked', () => {
    it.each(['/oauth2/revoke', '/oauth2/introspect', '/oauth2/token', '/invoke/pub.apigateway.oauth2/getAccessToken'])(
      'answers invalid_request 400 to 1,500 nested arrays on %s (only the public admin-cli id needed)',
      async (path) => {
        for (const body of [DEEP, `{"client_id":"admin-cli","grant_type":"password","token":${DEEP}}`]) {
          const res = await request(t.url).post(path).set('content-type', 'application/json').send(body);
          expectInvalidRequest(res);
        }
      },
    );

    it.each([
      ['POST', '/admin/applications'],
      ['PATCH', '/admin/applications/x'],
      ['POST', '/admin/users'],
      ['PATCH', '/admin/users/x'],
      ['PATCH', '/admin/settings'],
    ])('answers invalid_request 400 to 1,500 nested arrays on %s %s', async (method, path) => {
      const agent = request(t.url);
      const res = await (method === 'POST' ? agent.post(path) : agent.patch(path))
        .set('authorization', `Bearer ${admin}`)
        .set('content-type', 'application/json')
        .send(DEEP);
      expectInvalidRequest(res);
    });

    it('answers invalid_request 400 to a deeply nested value inside an otherwise valid admin body', async () => {
      const body = `{"client_name":${DEEP},"redirect_uris":["http://test.com"],"grant_types":["client_credentials"]}`;
      const res = await request(t.url).post('/admin/applications').set('authorization', `Bearer ${admin}`).set('content-type', 'application/json').send(body);
      expectInvalidRequest(res);
    });

    it('still accepts JSON nested as deep as a real request is', async () => {
      const res = await request(t.url)
        .post('/admin/applications')
        .set('authorization', `Bearer ${admin}`)
        .send({ client_name: 'nested ok', redirect_uris: ['http://test.com'], grant_types: ['client_credentials'] });
      expect(res.status).toBe(201);
    });
  });

  describe('prototype keys and non-string parameters', () => {
    it('answers invalid_request 400 to a token parameter that is an object with a constructor key', async () => {
      const res = await request(t.url)
        .post('/oauth2/token')
        .set('authorization', client.basic)
        .set('content-type', 'application/json')
        .send('{"grant_type":"client_credentials","x":{"constructor":"x"}}');
      expectInvalidRequest(res);
    });

    it.each(['__proto__', 'constructor', 'prototype'])('answers invalid_request 400 to a JSON key %s at any depth', async (key) => {
      const res = await request(t.url)
        .post('/admin/applications')
        .set('authorization', `Bearer ${admin}`)
        .set('content-type', 'application/json')
        .send(`{"client_name":"p","redirect_uris":["http://test.com"],"grant_types":["client_credentials"],"x":[{"${key}":{"polluted":true}}]}`);
      expectInvalidRequest(res);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it.each(['__proto__', 'constructor', 'prototype'])('answers invalid_request 400 to a form parameter named %s', async (key) => {
      const res = await request(t.url).post('/oauth2/token').set('authorization', client.basic).type('form').send(`grant_type=client_credentials&${key}=x`);
      expectInvalidRequest(res);
    });

    it.each([
      ['an object', '{"a":"b"}'],
      ['a number', '1'],
      ['a boolean', 'true'],
    ])('answers invalid_request 400 to a token parameter that is %s', async (_name, value) => {
      const res = await request(t.url)
        .post('/oauth2/token')
        .set('authorization', client.basic)
        .set('content-type', 'application/json')
        .send(`{"grant_type":"client_credentials","scope":${value}}`);
      expectInvalidRequest(res);
    });

    it('answers invalid_request 400 to a token to revoke that is not a string', async () => {
      const res = await request(t.url)
        .post('/oauth2/revoke')
        .set('content-type', 'application/json')
        .send('{"client_id":"admin-cli","token":{"constructor":{}}}');
      expectInvalidRequest(res);
    });
  });

  describe('NUL characters, which PostgreSQL cannot store', () => {
    it('answers invalid_client to a client id with a NUL, and serves the requests batched with it', async () => {
      const [nul, ok] = await Promise.all([
        tokenRequest(t.url, { grant_type: 'client_credentials', client_id: 'a\u0000b', client_secret: 'x' }),
        request(t.url).post('/oauth2/token').set('authorization', client.basic).type('form').send({ grant_type: 'client_credentials' }),
      ]);
      expect(nul.status).toBe(401);
      expect(nul.body.error).toBe('invalid_client');
      expect(ok.status).toBe(200);
    });

    it('answers 400 to a username with a NUL: invalid_grant, or invalid_request where the database cannot hold it', async () => {
      const res = await request(t.url)
        .post('/oauth2/token')
        .set('authorization', client.basic)
        .type('form')
        .send({ grant_type: 'password', username: 'some\u0000one', password: 'whatever-password' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(TEST_DB === 'postgres' ? 'invalid_request' : 'invalid_grant');
    });

    it('never answers 5xx to an admin body with a NUL in a stored string (400 invalid_request where it cannot be stored)', async () => {
      const res = await request(t.url)
        .post('/admin/applications')
        .set('authorization', `Bearer ${admin}`)
        .send({ client_name: 'nul\u0000name', redirect_uris: ['https://nul.example/cb'], grant_types: ['client_credentials'], scope: 'read' });
      if (TEST_DB === 'postgres') expectInvalidRequest(res);
      else expect(res.status).toBeLessThan(500);
    });
  });

  describe('bodies that never arrive are the client’s fault (408), not an outage (503)', () => {
    const head = (length: string) =>
      `POST /oauth2/token HTTP/1.1\r\nHost: x\r\nAuthorization: ${client.basic}\r\nContent-Type: application/x-www-form-urlencoded\r\n${length}`;

    it('answers 408 invalid_request and closes to a body shorter than its Content-Length', async () => {
      const answer = await rawHttp(t.url, { head: head('Content-Length: 10'), chunks: ['grant_'], waitMs: REQUEST_TIMEOUT_MS * 3 });
      expect(answer.status).toBe(408);
      expect(JSON.parse(answer.body)).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      expect(answer.head).toMatch(/\r\nconnection: close/i);
      expect(answer.ending).toBe('closed');
    });

    it('answers 408 invalid_request and closes to a chunked body that never ends', async () => {
      const answer = await rawHttp(t.url, { head: head('Transfer-Encoding: chunked'), chunks: ['6\r\ngrant_\r\n'], waitMs: REQUEST_TIMEOUT_MS * 3 });
      expect(answer.status).toBe(408);
      expect(answer.ending).toBe('closed');
    });

    it('still answers 200 to a body that arrives slowly within the deadline', async () => {
      const body = 'grant_type=client_credentials';
      const answer = await rawHttp(t.url, {
        head: `${head(`Content-Length: ${body.length}`)}\r\nConnection: close`,
        chunks: [body.slice(0, 5), body.slice(5)],
        pauseMs: REQUEST_TIMEOUT_MS / 3,
        waitMs: REQUEST_TIMEOUT_MS * 3,
      });
      expect(answer.status).toBe(200);
    });
  });

  it('answers 413 to each of 16 concurrent 4 MB uploads and closes without a reset', async () => {
    // A raw socket sees how the connection ends: a server that closes while the client is still
    // uploading makes the kernel reset it, and a reset can overtake the answer.
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const upload = () =>
      rawHttp(t.url, {
        head: `POST /oauth2/token HTTP/1.1\r\nHost: x\r\nAuthorization: ${client.basic}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${64 * chunk.length}`,
        chunks: Array.from({ length: 64 }, () => chunk),
        waitMs: 10_000,
      });
    const answers = await Promise.all(Array.from({ length: 16 }, upload));
    for (const answer of answers) {
      expect({ status: answer.status, ending: answer.ending }).toEqual({ status: 413, ending: 'closed' });
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request', error_description: 'request body too large' });
    }
  });
});
