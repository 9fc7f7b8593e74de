import request from 'supertest';
import { adminToken } from '../support/admin';
import { createTestDatabase, TestDatabase } from '../support/databases';
import { basicAuth } from '../support/factories';
import { ServerProcess, startServer } from '../support/server-process';

const ADMIN_PASSWORD = 'logs-admin-password';

/** The log of a server whose output goes to a pipe, as under a container runtime or systemd. */
describe('structured logs', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let records: Record<string, unknown>[];
  let client: { client_id: string; client_secret: string };

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    server = await startServer({ ...db.env, ADMIN_PASSWORD, LOG_LEVEL: 'debug' });
    const admin = await adminToken(server, 'admin', ADMIN_PASSWORD);
    client = (
      await request(server.url)
        .post('/admin/applications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ client_name: 'Logged', grant_types: ['client_credentials'], scope: 'read' })
    ).body;
    const token = (body: Record<string, string>, requestId: string) =>
      request(server.url)
        .post('/oauth2/token')
        .set('Authorization', basicAuth(client.client_id, client.client_secret))
        .set('X-Request-Id', requestId)
        .type('form')
        .send(body);
    expect((await token({ grant_type: 'client_credentials' }, 'trace-ok')).status).toBe(200);
    expect((await token({ grant_type: 'urn:example:unknown' }, 'trace-bad')).status).toBe(400);
    await server.stop();
    records = server
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.drop();
  });

  it('writes one JSON object per line, without colour codes, when stdout is not a terminal', () => {
    expect(records.length).toBeGreaterThan(5);
    // ESC [ starts every ANSI colour code.
    expect(server.logs()).not.toContain(`${String.fromCharCode(27)}[`);
    for (const record of records) expect(record).toMatchObject({ level: expect.any(String), timestamp: expect.any(Number), message: expect.anything() });
  });

  it('writes one access-log line per request: method, route, status, duration and client id, no URL or body', () => {
    const access = records.filter((r) => r.context === 'Access' && r.requestId === 'trace-ok');
    expect(access).toEqual([
      {
        level: 'log',
        pid: expect.any(Number),
        timestamp: expect.any(Number),
        message: 'request',
        context: 'Access',
        requestId: 'trace-ok',
        method: 'POST',
        route: '/oauth2/token',
        status: 200,
        durationMs: expect.any(Number),
        clientId: client.client_id,
      },
    ]);
  });

  it('logs an OAuth 4xx error at debug with its detail and the request id', () => {
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'debug', requestId: 'trace-bad', message: '400 unsupported_grant_type: grant_type is not supported' }),
    );
  });
});
