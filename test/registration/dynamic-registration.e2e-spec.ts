import { generateKeyPair, exportJWK, SignJWT } from 'jose';
import request from 'supertest';
import { s256 } from '../../src/pkce/pkce';
import { ADMIN_PASSWORD, adminApi, AdminApi } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { basicAuth, createUser, TestUser } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { writeTempFiles } from '../support/temp-files';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CALLBACK = 'https://portal.example.com/callback';

function register(t: TestApp, body: object, bearer?: string): request.Test {
  const req = request(t.url).post('/register').send(body);
  return bearer ? req.set('Authorization', `Bearer ${bearer}`) : req;
}

function clientCredentials(t: TestApp, clientId: string, secret: string): request.Test {
  return request(t.url).post('/oauth2/token').set('Authorization', basicAuth(clientId, secret)).type('form').send({ grant_type: 'client_credentials' });
}

describe(`dynamic client registration, RFC 7591 and RFC 7592 [${TEST_DB}]`, () => {
  describe('open registration', () => {
    let t: TestApp;
    let user: TestUser;
    let statementKey: CryptoKey;

    beforeAll(async () => {
      const keys = await generateKeyPair('ES256', { extractable: true });
      statementKey = keys.privateKey;
      const publishers = writeTempFiles({ 'publishers.json': JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'publisher-1' }] }) });
      t = await createTestApp({ env: { ADMIN_PASSWORD, REGISTRATION: 'open', REGISTRATION_SOFTWARE_STATEMENT_JWKS: publishers.paths['publishers.json'] } });
      publishers.remove(); // read once, at start
      user = await createUser(t);
    });
    afterAll(() => t.close());

    it('publishes registration_endpoint in the metadata', async () => {
      const res = await request(t.url).get('/.well-known/oauth-authorization-server');
      expect(res.body.registration_endpoint).toBe(`${t.url}/register`);
    });

    it('registers a confidential client without a token, which then completes client_credentials', async () => {
      const res = await register(t, {
        client_name: 'Portal service',
        grant_types: ['client_credentials'],
        response_types: [],
        scope: 'read',
        x_unknown: { deep: 1 },
      });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toContain('no-store');
      expect(res.body).toMatchObject({
        client_name: 'Portal service',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'read',
        client_secret_expires_at: 0,
        registration_client_uri: `${t.url}/register/${res.body.client_id}`,
      });
      expect(res.body.x_unknown).toBeUndefined();
      expect(res.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(res.body.registration_access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const token = await clientCredentials(t, res.body.client_id, res.body.client_secret);
      expect(token.status).toBe(200);
      expect(token.body.scope).toBe('read');
    });

    it('registers a client that completes the authorization code flow with PKCE', async () => {
      const res = await register(t, {
        client_name: 'Portal web',
        redirect_uris: [CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid email',
      });
      expect(res.status).toBe(201);
      const { client_id: clientId, client_secret: secret } = res.body;
      const browser = new FormBrowser(t.url);
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: CALLBACK,
        scope: 'openid email',
        code_challenge: s256(VERIFIER),
        code_challenge_method: 'S256',
      });
      const redirect = await approveAuthorization(browser, `/oauth2/authorize?${query}`, user);
      const token = await request(t.url)
        .post('/oauth2/token')
        .set('Authorization', basicAuth(clientId, secret))
        .type('form')
        .send({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: VERIFIER });
      expect(token.status).toBe(200);
      expect(token.body.id_token).toBeDefined();
      expect(token.body.refresh_token).toBeDefined();
    });

    it('reads, updates (secret kept, token rotated), rotates the secret on request, and deletes', async () => {
      const created = (
        await register(t, { client_name: 'Managed', grant_types: ['client_credentials'], response_types: [], client_uri: 'https://portal.example.com' })
      ).body;
      const uri = new URL(created.registration_client_uri).pathname;

      const read = await request(t.url).get(uri).set('Authorization', `Bearer ${created.registration_access_token}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ client_id: created.client_id, client_name: 'Managed', client_uri: 'https://portal.example.com' });
      expect(read.body.client_secret).toBeUndefined();
      expect(read.body.registration_access_token).toBe(created.registration_access_token);

      const updated = await request(t.url)
        .put(uri)
        .set('Authorization', `Bearer ${created.registration_access_token}`)
        .send({ client_id: created.client_id, client_name: 'Managed v2', grant_types: ['client_credentials'], response_types: [] });
      expect(updated.status).toBe(200);
      expect(updated.body.client_name).toBe('Managed v2');
      // Full replacement: client_uri was not sent again.
      expect(updated.body.client_uri).toBeUndefined();
      expect(updated.body.client_secret).toBeUndefined();
      expect(updated.body.registration_access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(updated.body.registration_access_token).not.toBe(created.registration_access_token);
      expect((await clientCredentials(t, created.client_id, created.client_secret)).status).toBe(200);
      // The replaced registration access token no longer works.
      expect((await request(t.url).get(uri).set('Authorization', `Bearer ${created.registration_access_token}`)).status).toBe(401);

      const rotated = await request(t.url)
        .put(uri)
        .set('Authorization', `Bearer ${updated.body.registration_access_token}`)
        .send({ client_id: created.client_id, client_name: 'Managed v2', grant_types: ['client_credentials'], response_types: [], rotate_client_secret: true });
      expect(rotated.status).toBe(200);
      expect(rotated.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await clientCredentials(t, created.client_id, created.client_secret)).status).toBe(401);
      expect((await clientCredentials(t, created.client_id, rotated.body.client_secret)).status).toBe(200);

      const admin = await adminApi(t);
      const application = await admin.get(`/admin/applications/${created.client_id}`);
      expect(application.body).toMatchObject({ client_name: 'Managed v2', registration: 'dynamic' });
      const audit = await admin.get(`/admin/audit-events?client_id=${created.client_id}`);
      const types = (audit.body.items as { type: string }[]).map((event) => event.type);
      expect(types).toEqual(expect.arrayContaining(['registration.client_registered', 'registration.client_updated']));

      const deleted = await request(t.url).delete(uri).set('Authorization', `Bearer ${rotated.body.registration_access_token}`);
      expect(deleted.status).toBe(204);
      const refused = await clientCredentials(t, created.client_id, rotated.body.client_secret);
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_client');
      expect((await request(t.url).get(uri).set('Authorization', `Bearer ${rotated.body.registration_access_token}`)).status).toBe(401);
    });

    it('refuses management without the registration access token, or with another client’s', async () => {
      const a = (await register(t, { grant_types: ['client_credentials'], response_types: [] })).body;
      const b = (await register(t, { grant_types: ['client_credentials'], response_types: [] })).body;
      const path = `/register/${a.client_id}`;
      const none = await request(t.url).get(path);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toContain('Bearer');
      expect((await request(t.url).get(path).set('Authorization', `Bearer ${b.registration_access_token}`)).status).toBe(401);
      expect((await request(t.url).delete(path).set('Authorization', `Bearer ${b.registration_access_token}`)).status).toBe(401);
    });

    it.each([
      ['a redirect URI with a fragment', { redirect_uris: ['https://app.example.com/cb#x'] }, 'invalid_redirect_uri'],
      ['a relative redirect URI', { redirect_uris: ['/callback'] }, 'invalid_redirect_uri'],
      ['a plain http redirect URI off loopback', { redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri'],
      ['a javascript: redirect URI', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
      ['redirect_uris that is not an array', { redirect_uris: 'https://app.example.com/cb' }, 'invalid_redirect_uri'],
      ['1,000 redirect URIs', { redirect_uris: Array.from({ length: 1000 }, (_, i) => `https://app.example.com/cb/${i}`) }, 'invalid_redirect_uri'],
      ['the code flow without a redirect URI', { grant_types: ['authorization_code'] }, 'invalid_redirect_uri'],
      [
        'an unknown token_endpoint_auth_method',
        { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'magic' },
        'invalid_client_metadata',
      ],
      ['an unsupported grant type', { grant_types: ['password'], response_types: [] }, 'invalid_client_metadata'],
      ['an unsupported response type', { redirect_uris: [CALLBACK], response_types: ['token'] }, 'invalid_client_metadata'],
      ['grant and response types that disagree', { grant_types: ['client_credentials'], response_types: ['code'] }, 'invalid_client_metadata'],
      [
        'a public client with client_credentials',
        { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'none' },
        'invalid_client_metadata',
      ],
      ['a client_name that is a number', { client_name: 42 }, 'invalid_client_metadata'],
      ['a malformed scope', { scope: 'read  write' }, 'invalid_client_metadata'],
      ['a logo_uri that is not https', { logo_uri: 'http://cdn.example.com/logo.png' }, 'invalid_client_metadata'],
      [
        'both jwks and jwks_uri',
        {
          jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] },
          jwks_uri: 'https://app.example.com/jwks',
        },
        'invalid_client_metadata',
      ],
      ['a private key in jwks', { jwks: { keys: [{ kty: 'EC', crv: 'P-256', d: 'secret', x: 'x', y: 'y' }] } }, 'invalid_client_metadata'],
      ['key_ops that is not an array in jwks', { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', key_ops: 5 }] } }, 'invalid_client_metadata'],
      ['a use that is not a string in jwks', { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', use: ['sig'] }] } }, 'invalid_client_metadata'],
      // RFC 7591 §5: the server fetches jwks_uri itself; a registration must not aim it at this network.
      ['a jwks_uri on the loopback interface', { jwks_uri: 'http://127.0.0.1:3998/metrics' }, 'invalid_client_metadata'],
      ['a jwks_uri on a private address', { jwks_uri: 'https://10.0.0.5/jwks' }, 'invalid_client_metadata'],
      ['a jwks_uri on localhost', { jwks_uri: 'https://localhost/jwks' }, 'invalid_client_metadata'],
      ['a jwks_uri on an IPv4-mapped loopback address', { jwks_uri: 'https://[::ffff:127.0.0.1]/jwks' }, 'invalid_client_metadata'],
      [
        'private_key_jwt without keys',
        { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'private_key_jwt' },
        'invalid_client_metadata',
      ],
      ['contacts that are not strings', { contacts: [1, 2] }, 'invalid_client_metadata'],
      ['a body that is an array', [{ client_name: 'x' }], 'invalid_client_metadata'],
      ['a software statement that is not a JWT', { software_statement: 'not-a-jwt' }, 'invalid_software_statement'],
    ])('refuses %s', async (_case, body, error) => {
      const res = await register(t, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(error);
      expect(res.body.error_description).toBeDefined();
    });

    it('answers an oversized registration request with a 4xx, never a 5xx', async () => {
      const res = await register(t, { client_name: 'x', padding: 'y'.repeat(100_000) });
      expect(res.status).toBe(413);
      expect(res.body.error).toBe('invalid_request');
    });

    it('applies a software statement signed by a registered key, its claims winning', async () => {
      const statement = await new SignJWT({
        software_id: 'acme-portal',
        client_name: 'Acme Portal (signed)',
        grant_types: ['client_credentials'],
        response_types: [],
      })
        .setProtectedHeader({ alg: 'ES256', kid: 'publisher-1' })
        .setIssuer('https://acme.example.com')
        .setIssuedAt()
        .sign(statementKey);
      const res = await register(t, { client_name: 'Forged name', software_statement: statement });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ client_name: 'Acme Portal (signed)', software_id: 'acme-portal', grant_types: ['client_credentials'] });
      expect(res.body.iss).toBeUndefined();
    });

    it('refuses a software statement with a bad signature', async () => {
      const other = await generateKeyPair('ES256');
      const statement = await new SignJWT({ client_name: 'Impostor' }).setProtectedHeader({ alg: 'ES256', kid: 'publisher-1' }).sign(other.privateKey);
      const res = await register(t, { software_statement: statement, grant_types: ['client_credentials'], response_types: [] });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_software_statement');
    });
  });

  describe('protected registration', () => {
    let t: TestApp;
    let admin: AdminApi;

    beforeAll(async () => {
      t = await createTestApp({ env: { ADMIN_PASSWORD, REGISTRATION: 'protected' } });
      admin = await adminApi(t);
    });
    afterAll(() => t.close());

    it('refuses a registration without an initial access token, or with an unknown one', async () => {
      const missing = await register(t, { grant_types: ['client_credentials'], response_types: [] });
      expect(missing.status).toBe(401);
      expect(missing.body.error).toBe('invalid_token');
      expect((await register(t, { grant_types: ['client_credentials'], response_types: [] }, 'made-up-token')).status).toBe(401);
    });

    it('registers with an initial access token within its policy and usage count, then refuses it once used up or revoked', async () => {
      const created = await admin.post('/admin/initial-access-tokens', {
        description: 'API manager',
        expires_in: 3600,
        max_uses: 1,
        policy: { grant_types: ['client_credentials'], scopes: ['read'], token_endpoint_auth_methods: ['client_secret_basic'] },
      });
      expect(created.status).toBe(201);
      const iat = created.body.token as string;
      expect(iat).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const outside = await register(t, { grant_types: ['client_credentials'], response_types: [], scope: 'read write' }, iat);
      expect(outside.status).toBe(400);
      expect(outside.body.error).toBe('invalid_client_metadata');

      const ok = await register(t, { grant_types: ['client_credentials'], response_types: [] }, iat);
      expect(ok.status).toBe(201);
      // No scope asked: the policy's.
      expect(ok.body.scope).toBe('read');
      expect((await clientCredentials(t, ok.body.client_id, ok.body.client_secret)).status).toBe(200);

      const usedUp = await register(t, { grant_types: ['client_credentials'], response_types: [] }, iat);
      expect(usedUp.status).toBe(401);

      const list = await admin.get('/admin/initial-access-tokens');
      const row = (list.body as { id: string; uses: number; token?: string }[]).find((item) => item.id === created.body.id)!;
      expect(row.uses).toBe(1);
      expect(row.token).toBeUndefined();

      const second = (await admin.post('/admin/initial-access-tokens', { policy: { redirect_uri_patterns: ['https://*.portal.example.com/*'] } })).body;
      const offPattern = await register(t, { redirect_uris: ['https://evil.example.com/cb'] }, second.token);
      expect(offPattern.status).toBe(400);
      expect(offPattern.body.error).toBe('invalid_redirect_uri');
      expect((await register(t, { redirect_uris: ['https://shop.portal.example.com/cb'] }, second.token)).status).toBe(201);
      expect((await admin.delete(`/admin/initial-access-tokens/${second.id}`)).status).toBe(204);
      expect((await register(t, { redirect_uris: ['https://shop.portal.example.com/cb'] }, second.token)).status).toBe(401);
    });
  });

  it("limits open registration per IP with the token endpoint's rate limit: 429 with Retry-After", async () => {
    const t = await createTestApp({ env: { REGISTRATION: 'open', RATE_LIMIT_TOKEN_PER_MINUTE: '2' } });
    try {
      const body = { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'client_secret_basic' };
      expect((await register(t, body)).status).toBe(201);
      expect((await register(t, body)).status).toBe(201);
      const limited = await register(t, body);
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await t.close();
    }
  });

  it('answers 404 with registration off (the default) and publishes no registration_endpoint', async () => {
    const t = await createTestApp();
    try {
      expect((await request(t.url).get('/.well-known/oauth-authorization-server')).body.registration_endpoint).toBeUndefined();
      const res = await register(t, { grant_types: ['client_credentials'], response_types: [] });
      expect(res.status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
