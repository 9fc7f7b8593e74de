import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser } from '../support/factories';
import { REDIS_URL, skipWithoutRedis } from '../support/redis';
import { randomUUID } from 'node:crypto';
import { sleep } from '../support/sleep';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

/** OTLP ids arrive as hex in JSON (or base64 from some encoders): compare as hex. */
const hex = (id: string) => (/^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));

describe(`OpenTelemetry traces over OTLP/HTTP [${TEST_DB}]`, () => {
  let receiver: Server;
  const spans: OtlpSpan[] = [];
  let t: TestApp;

  beforeAll(async () => {
    // An OTLP/HTTP receiver inside the test: it keeps every span it is sent.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
          for (const rs of parsed.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t = await createTestApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}` } });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('exports a span per request under the caller’s traceparent, with child spans for database batches and password hashing', async () => {
    const client = await createClient(t, { grantTypes: ['password'] });
    const user = await createUser(t);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const res = await request(t.url)
      .post('/oauth/token')
      .set('traceparent', `00-${traceId}-${parentId}-01`)
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'password', username: user.username, password: user.password });
    expect(res.status).toBe(200);
    // The batch processor exports within a second; closing the app would flush as well.
    for (let i = 0; i < 50 && !spans.some((s) => hex(s.traceId) === traceId && s.name.startsWith('db.batch token writes')); i++) await sleep(100);

    const ofTrace = spans.filter((s) => hex(s.traceId) === traceId);
    const server = ofTrace.find((s) => s.name === 'POST /oauth/token')!;
    expect(server).toBeDefined();
    expect(hex(server.parentSpanId!)).toBe(parentId);
    const children = ofTrace.filter((s) => s.parentSpanId && hex(s.parentSpanId) === hex(server.spanId)).map((s) => s.name);
    expect(children).toEqual(expect.arrayContaining(['password.verify', 'db.batch token writes']));
    expect(children.some((name) => /^db\.batch \w+ lookup$/.test(name))).toBe(true);
  });

  it('traces Redis commands as child spans when the counters live in Redis', async () => {
    if (await skipWithoutRedis()) return;
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const withRedis = await createTestApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, REDIS_URL, REDIS_PREFIX: `test:${randomUUID()}:` } });
    try {
      const client = await createClient(withRedis, { grantTypes: ['password'] });
      const user = await createUser(withRedis);
      const traceId = 'a'.repeat(31) + '1';
      await request(withRedis.url)
        .post('/oauth/token')
        .set('traceparent', `00-${traceId}-${'b'.repeat(16)}-01`)
        .set('Authorization', client.basic)
        .type('form')
        .send({ grant_type: 'password', username: user.username, password: user.password });
    } finally {
      await withRedis.close();
    }
    expect(spans.filter((s) => hex(s.traceId) === 'a'.repeat(31) + '1').map((s) => s.name)).toEqual(expect.arrayContaining(['redis.increment']));
  });

  it('names spans by route pattern, never by the URL', async () => {
    await request(t.url).get('/admin/users/some-user-id');
    for (let i = 0; i < 30 && !spans.some((s) => s.name === 'GET /admin/users/:id'); i++) await sleep(100);
    expect(spans.some((s) => s.name === 'GET /admin/users/:id')).toBe(true);
    expect(spans.some((s) => s.name.includes('some-user-id'))).toBe(false);
  });
});
