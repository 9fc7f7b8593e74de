import request from 'supertest';
import { MetricsService } from '../../src/metrics/metrics.service';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient, tokenRequest } from '../support/factories';
import { freePort } from '../support/free-port';

describe(`metrics and health on the management port [${TEST_DB}]`, () => {
  let t: TestApp;
  let management: string;
  let client: TestClient;
  let metrics: string;

  const token = (body: Record<string, string>) => tokenRequest(t.url, body, client.basic);

  beforeAll(async () => {
    const port = await freePort();
    management = `http://127.0.0.1:${port}`;
    t = await createTestApp({ env: { MANAGEMENT_PORT: String(port), ADMIN_PASSWORD, LOGIN_MAX_FAILURES: '2' } });
    client = await createClient(t);
    const user = await createUser(t);
    const victim = await createUser(t);

    expect((await token({ grant_type: 'client_credentials' })).status).toBe(200);
    expect((await token({ grant_type: 'urn:example:unknown' })).body.error).toBe('unsupported_grant_type');
    expect((await token({ grant_type: 'password', username: user.username, password: user.password })).status).toBe(200);
    for (let i = 0; i < 3; i++) await token({ grant_type: 'password', username: victim.username, password: 'wrong password' });
    const admin = await adminToken(t);
    expect((await request(t.url).get(`/admin/applications/${client.clientId}`).set('Authorization', `Bearer ${admin}`)).status).toBe(200);
    await request(t.url).get('/no/such/page-with-a-secret-in-its-path?access_token=query-secret');

    const scrape = await fetch(`${management}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    metrics = await scrape.text();
  });
  afterAll(async () => t?.close());

  /** The value of one sample, by its exact name and labels as Prometheus prints them. */
  const sample = (series: string) => Number(new RegExp(`^${series.replace(/[{}()[\].*+?^$|\\/]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1]);

  it.each<[string, number]>([
    // HTTP requests by route pattern, method and status, with a latency histogram.
    ['http_server_request_duration_seconds_count{route="/oauth2/token",method="POST",status="200"}', 3],
    // The unknown grant type, two wrong passwords and one refused while locked.
    ['http_server_request_duration_seconds_count{route="/oauth2/token",method="POST",status="400"}', 4],
    ['http_server_request_duration_seconds_bucket{le="+Inf",route="/oauth2/token",method="POST",status="200"}', 3],
    ['http_server_request_duration_seconds_count{route="/admin/applications/:client_id",method="GET",status="200"}', 1],
    // Tokens issued by grant type (the user's token and the admin's) and OAuth errors by code.
    ['oauth_tokens_issued_total{grant_type="client_credentials"}', 1],
    ['oauth_tokens_issued_total{grant_type="password"}', 2],
    ['oauth_errors_total{error="unsupported_grant_type"}', 1],
    ['oauth_errors_total{error="invalid_grant"}', 3],
    ['oauth_errors_total{error="not_found"}', 1],
    // Sign-ins by outcome, and the lockouts they start.
    ['oauth_sign_ins_total{channel="password_grant",outcome="success"}', 2],
    ['oauth_sign_ins_total{channel="password_grant",outcome="invalid"}', 2],
    ['oauth_sign_ins_total{channel="password_grant",outcome="locked"}', 1],
    ['oauth_lockouts_total{kind="account"}', 1],
  ])('counts %s: %d', (series, value) => {
    expect(sample(series)).toBe(value);
  });

  it('labels by route pattern only: no id, path, query or token reaches a label', () => {
    expect(sample('http_server_request_duration_seconds_count{route="(unmatched)",method="GET",status="404"}')).toBe(1);
    for (const secret of [client.clientId, 'page-with-a-secret', 'query-secret', 'wrong password']) expect(metrics).not.toContain(secret);
  });

  it('counts cache lookups by cache and outcome (bypass: no Redis to carry invalidations)', () => {
    expect(sample('oauth_cache_lookups_total{cache="client",outcome="bypass"}')).toBeGreaterThan(0);
  });

  it('reports the audit events waiting to be written', () => {
    expect(sample('oauth_audit_queue_depth')).toBeGreaterThanOrEqual(0);
  });

  it('reports the MySQL pool: connections in use and idle, requests waiting', () => {
    if (TEST_DB !== 'mysql') return;
    expect(sample('oauth_db_pool_connections{state="in_use"}')).toBeGreaterThanOrEqual(0);
    expect(sample('oauth_db_pool_connections{state="idle"}')).toBeGreaterThan(0);
    expect(sample('oauth_db_pool_waiting')).toBe(0);
  });

  it('says per dependency whether it answers, and counts database retries and 503s', () => {
    expect(sample('oauth_dependency_up{dependency="database"}')).toBe(1);
    expect(metrics).not.toMatch(/^oauth_dependency_up\{dependency="redis"\}/m);
    expect(sample('oauth_database_retries_total')).toBe(0);
    expect(metrics).toMatch(/^# TYPE oauth_database_failures_total counter$/m);
  });

  it('exposes process metrics and event-loop lag', () => {
    expect(sample('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_p99_seconds \S+$/m);
  });

  it('serves the health endpoints there too, and /metrics not on the public port', async () => {
    expect(await (await fetch(`${management}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${management}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'up' } });
    expect((await request(t.url).get('/metrics')).status).toBe(404);
    expect((await fetch(`${management}/oauth2/token`)).status).toBe(404);
  });
});

describe(`MANAGEMENT_PORT=0 [${TEST_DB}]`, () => {
  it('turns the management server and request timing off', async () => {
    const t = await createTestApp({ env: { MANAGEMENT_PORT: '0' } });
    try {
      await request(t.url).get('/health/live');
      const metrics = await t.app.get(MetricsService).registry.metrics();
      expect(metrics).not.toMatch(/^http_server_request_duration_seconds_count/m);
      expect(metrics).not.toMatch(/^process_cpu_user_seconds_total/m);
    } finally {
      await t.close();
    }
  });
});
