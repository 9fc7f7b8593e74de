import fc from 'fast-check';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { basicAuth, createClient, TestClient } from '../support/factories';

/** Property: whatever arrives, the answer is a 4xx (or a login page / redirect), never a 5xx, and JSON errors are RFC-shaped. */
const RUNS_PER_TARGET = Number(process.env.FUZZ_RUNS ?? 800);
let casesTried = 0;

const NAMES = [
  'grant_type', 'code', 'redirect_uri', 'code_verifier', 'username', 'password', 'refresh_token', 'scope', 'client_id',
  'client_secret', 'token', 'token_type_hint', 'response_type', 'state', 'code_challenge', 'code_challenge_method', 'prompt',
  'client_name', 'redirect_uris', 'grant_types', 'token_endpoint_auth_method', 'pkce', 'access_token_ttl', 'enabled',
];
const KNOWN_VALUES = ['client_credentials', 'password', 'authorization_code', 'refresh_token', 'urn:x', 'code', 'S256', 'plain', 'none', 'admin', 'http://test.com'];

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...KNOWN_VALUES),
  fc.string({ minLength: 2000, maxLength: 6000 }),
  fc.constantFrom('', ' ', '%', '%zz', '\u0000', '\ud800', '../../etc/passwd', "' OR 1=1 --", '<script>'),
);
const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
const pairs = fc.array(fc.tuple(name, text), { maxLength: 8 });

type Body = { contentType?: string; payload?: string };
const body: fc.Arbitrary<Body> = fc.oneof(
  pairs.map((p) => ({ contentType: 'application/x-www-form-urlencoded', payload: new URLSearchParams(p).toString() })),
  fc.dictionary(name, fc.jsonValue({ maxDepth: 3 })).map((o) => ({ contentType: 'application/json', payload: JSON.stringify(o) })),
  fc.jsonValue({ maxDepth: 2 }).map((v) => ({ contentType: 'application/json', payload: JSON.stringify(v) })),
  fc.string({ maxLength: 200 }).map((s) => ({ contentType: 'application/json', payload: `{${s}` })),
  fc.tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', 'application/json; charset=latin1', 'bogus'), fc.string()).map(([c, s]) => ({ contentType: c, payload: s })),
  fc.constant({ contentType: 'application/x-www-form-urlencoded', payload: `grant_type=password&scope=${'x'.repeat(70_000)}` }),
  fc.constant({}),
);

describe(`fuzzing the public and admin endpoints (fast-check) [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let admin: string;
  const counts: Record<string, number> = {};
  const TABLES = ['access_tokens', 'refresh_tokens', 'authorization_codes', 'consents', 'users', 'login_sessions'];

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD, RATE_LIMIT_TOKEN_PER_MINUTE: '0', RATE_LIMIT_AUTHORIZE_PER_MINUTE: '0', RATE_LIMIT_LOGIN_PER_MINUTE: '0', CLIENT_AUTH_MAX_FAILURES: '100000' } });
    client = await createClient(t);
    admin = await adminToken(t);
    for (const table of TABLES) counts[table] = Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  });
  afterAll(async () => {
    console.log(`fuzz: ${casesTried} cases tried [${TEST_DB}]`);
    await t.close();
  });

  async function send(method: string, path: string, headers: Record<string, string>, b: Body): Promise<void> {
    casesTried++;
    const res = await fetch(`${t.url}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...headers, ...(b.contentType ? { 'content-type': b.contentType } : {}) },
      body: method === 'GET' ? undefined : b.payload,
    });
    const raw = await res.text();
    if (res.status >= 500) throw new Error(`${method} ${path} -> ${res.status}: ${raw.slice(0, 300)}`);
    if (res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json')) {
      const parsed = JSON.parse(raw) as { error?: unknown; error_description?: unknown };
      if (typeof parsed.error !== 'string') throw new Error(`${path} -> ${res.status} without an error code: ${raw.slice(0, 200)}`);
      if (parsed.error_description !== undefined && !/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(String(parsed.error_description))) {
        throw new Error(`error_description outside the RFC 6749 character set: ${raw.slice(0, 200)}`);
      }
    }
  }

  const authHeader = fc.oneof(
    fc.constant<Record<string, string>>({}),
    fc.string().map((s) => ({ authorization: s.replace(/[\r\n]/g, '') })),
    fc.tuple(fc.string(), fc.string()).map(([u, p]) => ({ authorization: basicAuth(u, p) })),
    fc.string().map((p) => ({ authorization: basicAuth(client.clientId, p) })),
    fc.constant<Record<string, string>>({ authorization: 'Basic' }),
  );

  it.each(['/oauth2/token', '/invoke/pub.apigateway.oauth2/getAccessToken', '/oauth2/introspect', '/oauth2/revoke'])(
    'POST %s never answers 5xx',
    async (path) => {
      await fc.assert(fc.asyncProperty(authHeader, body, (headers, b) => send('POST', path, headers, b)), { numRuns: RUNS_PER_TARGET });
    },
  );

  it('GET /oauth2/authorize with any query never answers 5xx', async () => {
    const query = fc.array(fc.tuple(name, text.filter((v) => v.length < 3000)), { maxLength: 8 }).map((p) => {
      const params = new URLSearchParams(p);
      if (p.length % 2 === 0) params.set('client_id', client.clientId);
      return params.toString();
    });
    await fc.assert(fc.asyncProperty(query, (q) => send('GET', `/oauth2/authorize?${q}`, {}, {})), { numRuns: RUNS_PER_TARGET });
  });

  it('POST /oauth2/authorize (login and consent forms) never answers 5xx', async () => {
    await fc.assert(fc.asyncProperty(body, (b) => send('POST', `/oauth2/authorize`, {}, b)), { numRuns: RUNS_PER_TARGET / 2 });
  });

  it('the admin API never answers 5xx to malformed bodies', async () => {
    const target = fc.constantFrom('POST /admin/applications', 'POST /admin/users', 'PATCH /admin/settings', 'PATCH /admin/users/x', 'GET /admin/users?page=');
    await fc.assert(
      fc.asyncProperty(target, body, async (route, b) => {
        const [method, path] = route.split(' ');
        await send(method, path, { authorization: `Bearer ${admin}` }, b);
      }),
      { numRuns: RUNS_PER_TARGET },
    );
  });

  it('leaves no partial rows behind', async () => {
    for (const table of TABLES) {
      const after = Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
      // Fuzzed admin bodies may create complete, valid users; nothing else may appear.
      if (table === 'users') expect(after).toBeGreaterThanOrEqual(counts[table]);
      else expect({ table, count: after }).toEqual({ table, count: counts[table] });
    }
    const settings = await t.dataSource.query('SELECT * FROM settings');
    expect(settings).toHaveLength(1);
    for (const row of await t.dataSource.query('SELECT * FROM clients')) {
      expect(row.client_name).toBeTruthy();
      expect(Array.isArray(JSON.parse(row.redirect_uris))).toBe(true);
      expect(Array.isArray(JSON.parse(row.grant_types))).toBe(true);
    }
  });
});
