import fc from 'fast-check';
import { createTestApp, TestApp } from '../support/create-test-app';
import { rawHttp } from '../support/raw-http';
import { TEST_DB } from '../support/databases';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { basicAuth, createClient, TestClient } from '../support/factories';
import { NO_RATE_LIMITS } from '../support/no-rate-limits';

/** Property: whatever arrives, the answer is a 4xx (or a login page / redirect), never a 5xx, and JSON errors are RFC-shaped. */
const RUNS_PER_TARGET = Number(process.env.FUZZ_RUNS ?? 800);
/** Raw-socket runs; each sends several truncated or stalled requests at once. */
const RAW_RUNS = Math.max(1, Math.round(RUNS_PER_TARGET / 40));
let casesTried = 0;

const NAMES = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'username',
  'password',
  'refresh_token',
  'scope',
  'client_id',
  'client_secret',
  'token',
  'token_type_hint',
  'response_type',
  'state',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'client_name',
  'redirect_uris',
  'grant_types',
  'token_endpoint_auth_method',
  'pkce',
  'access_token_ttl',
  'enabled',
];
const KNOWN_VALUES = [
  'client_credentials',
  'password',
  'authorization_code',
  'refresh_token',
  'urn:x',
  'code',
  'S256',
  'plain',
  'none',
  'admin',
  'http://test.com',
];

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

/** Names that reach a prototype, raw and as JSON escapes (JSON.parse decodes those). */
const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '\\u005f_proto__', 'constru\\u0063tor', 'prototyp\\u0065');
/** JSON text `depth` levels deep, as arrays, objects or both, around a leaf. */
const nestedJson = fc
  .record({ depth: fc.integer({ min: 1, max: 3000 }), open: fc.constantFrom('[', '{"a":', '[{"b":'), leaf: fc.constantFrom('1', '"x"', '{}', 'null', '[]') })
  .map(
    ({ depth, open, leaf }) =>
      `${open.repeat(depth)}${leaf}${[...open]
        .filter((c) => c === '[' || c === '{')
        .reverse()
        .map((c) => (c === '[' ? ']' : '}'))
        .join('')
        .repeat(depth)}`,
  );
/** A parameter value of the wrong type: RFC 6749 parameters are single strings. */
const confusedValue = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const json =
  (contentType: string) =>
  (payload: string): Body => ({ contentType, payload });

/** Shapes most likely to reach a 5xx: nesting, type confusion, prototype keys, content-type mismatch. */
const hostileBody: fc.Arbitrary<Body> = fc.oneof(
  nestedJson.map(json('application/json')),
  fc
    .tuple(name, nestedJson)
    .map(([key, nested]) =>
      json('application/json')(`{"grant_type":"client_credentials","client_id":"admin-cli","token":"x",${JSON.stringify(key)}:${nested}}`),
    ),
  fc
    .tuple(fc.constantFrom(...KNOWN_VALUES), fc.dictionary(name, confusedValue, { maxKeys: 4 }))
    .map(([grantType, params]) => json('application/json')(JSON.stringify({ grant_type: grantType, ...params }))),
  fc
    .tuple(prototypeKey, fc.integer({ min: 0, max: 5 }), fc.constantFrom('"x"', '{"polluted":true}', '{"prototype":{"polluted":true}}'))
    .map(([key, depth, value]) =>
      json('application/json')(`{"grant_type":"client_credentials","client_id":"admin-cli","x":${'['.repeat(depth)}{"${key}":${value}}${']'.repeat(depth)}}`),
    ),
  fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', '__proto__[polluted]'), fc.string()).map(([key, value]) => ({
    contentType: 'application/x-www-form-urlencoded',
    payload: new URLSearchParams([
      ['grant_type', 'client_credentials'],
      [key, value],
    ]).toString(),
  })),
  fc
    .tuple(
      fc.constantFrom(
        'application/json',
        'APPLICATION/JSON',
        'application/json; charset=utf-16',
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/json, text/plain',
      ),
      fc.constantFrom(
        'grant_type=client_credentials&client_id=admin-cli',
        '{"grant_type":"client_credentials"}',
        '["grant_type"]',
        '"grant_type"',
        'null',
        '\u0000{}',
      ),
    )
    .map(([contentType, payload]) => ({ contentType, payload })),
);

const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 2, arbitrary: hostileBody },
  pairs.map((p) => ({ contentType: 'application/x-www-form-urlencoded', payload: new URLSearchParams(p).toString() })),
  fc.dictionary(name, fc.jsonValue({ maxDepth: 3 })).map((o) => ({ contentType: 'application/json', payload: JSON.stringify(o) })),
  fc.jsonValue({ maxDepth: 2 }).map((v) => ({ contentType: 'application/json', payload: JSON.stringify(v) })),
  fc.string({ maxLength: 200 }).map((s) => ({ contentType: 'application/json', payload: `{${s}` })),
  fc
    .tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', 'application/json; charset=latin1', 'bogus'), fc.string())
    .map(([c, s]) => ({ contentType: c, payload: s })),
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
    t = await createTestApp({
      env: {
        ADMIN_PASSWORD,
        ...NO_RATE_LIMITS,
        CLIENT_AUTH_MAX_FAILURES: '100000',
      },
    });
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
      await fc.assert(
        fc.asyncProperty(authHeader, body, (headers, b) => send('POST', path, headers, b)),
        { numRuns: RUNS_PER_TARGET },
      );
    },
  );

  it('GET /oauth2/authorize with any query never answers 5xx', async () => {
    const query = fc
      .array(
        fc.tuple(
          name,
          text.filter((v) => v.length < 3000),
        ),
        { maxLength: 8 },
      )
      .map((p) => {
        const params = new URLSearchParams(p);
        if (p.length % 2 === 0) params.set('client_id', client.clientId);
        return params.toString();
      });
    await fc.assert(
      fc.asyncProperty(query, (q) => send('GET', `/oauth2/authorize?${q}`, {}, {})),
      { numRuns: RUNS_PER_TARGET },
    );
  });

  it('POST /oauth2/authorize (login and consent forms) never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, (b) => send('POST', `/oauth2/authorize`, {}, b)),
      { numRuns: RUNS_PER_TARGET / 2 },
    );
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

  it('leaves no partial rows behind, and no prototype polluted', async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
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

describe(`fuzzing truncated and stalled bodies over a raw socket (fast-check) [${TEST_DB}]`, () => {
  const REQUEST_TIMEOUT_MS = 500;
  let t: TestApp;
  let client: TestClient;
  let rawCases = 0;

  beforeAll(async () => {
    t = await createTestApp({ env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), RATE_LIMIT_TOKEN_PER_MINUTE: '0', CLIENT_AUTH_MAX_FAILURES: '100000' } });
    client = await createClient(t);
  });
  afterAll(async () => {
    console.log(`fuzz: ${rawCases} raw-socket cases tried [${TEST_DB}]`);
    await t.close();
  });

  /** How the body is framed, and how it goes wrong: short of its length, never ended, or cut mid-chunk. */
  const framing = fc.oneof(
    fc.tuple(fc.string({ maxLength: 60 }), fc.integer({ min: 1, max: 70_000 })).map(([sent, missing]) => ({
      header: `Content-Length: ${Buffer.byteLength(sent) + missing}`,
      chunks: [sent],
    })),
    fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 4 }).map((parts) => ({
      header: 'Transfer-Encoding: chunked',
      chunks: parts.map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`),
    })),
    fc.tuple(fc.string({ minLength: 2, maxLength: 30 }), fc.nat()).map(([part, cut]) => ({
      header: 'Transfer-Encoding: chunked',
      chunks: [`${(Buffer.byteLength(part) + 10).toString(16)}\r\n${part.slice(0, 1 + (cut % part.length))}`],
    })),
  );
  const stalled = fc.record({
    path: fc.constantFrom(
      '/oauth2/token',
      '/oauth2/revoke',
      '/oauth2/introspect',
      '/invoke/pub.apigateway.oauth2/getAccessToken',
      '/oauth2/authorize',
      '/admin/applications',
    ),
    contentType: fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
    auth: fc.boolean(),
    framing,
  });

  it('answers every truncated or stalled body with a 4xx before the connection closes, never 5xx or a reset', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stalled, { minLength: 4, maxLength: 8 }), async (cases) => {
        rawCases += cases.length;
        const answers = await Promise.all(
          cases.map(({ path, contentType, auth, framing: f }) =>
            rawHttp(t.url, {
              head: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\n${auth ? `Authorization: ${client.basic}\r\n` : ''}${f.header}`,
              chunks: f.chunks,
              waitMs: REQUEST_TIMEOUT_MS * 6,
            }),
          ),
        );
        answers.forEach((answer, i) => {
          const summary = { path: cases[i].path, status: answer.status, ending: answer.ending };
          if (answer.status === undefined || answer.status >= 500 || answer.ending !== 'closed')
            throw new Error(`no 4xx and clean close: ${JSON.stringify(summary)}: ${answer.body.slice(0, 200)}`);
          if (!/^\{"error":"[a-z_]+"/.test(answer.body)) throw new Error(`not an RFC 6749 error: ${JSON.stringify(summary)}: ${answer.body.slice(0, 200)}`);
        });
      }),
      { numRuns: RAW_RUNS },
    );
  });
});
