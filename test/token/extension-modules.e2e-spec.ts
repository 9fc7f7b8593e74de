import request from 'supertest';
import { generateOpenApiDocument } from '../../src/app.openapi';
import { ExpiredDataCleanupService } from '../../src/maintenance/expired-data-cleanup.service';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser } from '../support/factories';
import { FormBrowser } from '../support/form-browser';
import { sql } from '../support/sql';

/** The fixtures, loaded as a deployment loads outside modules: by path, through EXTENSION_MODULES. */
const EXTENSION_MODULES = [
  './test/fixtures/client-key-header.module.ts#ClientKeyHeaderModule',
  './test/fixtures/ticket-grant.module.ts',
  './test/fixtures/hello-page.module.ts',
].join(',');

/** The client authentication methods the server itself registers. */
const BUILT_IN_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'none',
  'private_key_jwt',
  'client_secret_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
];

describe(`outside modules loaded through EXTENSION_MODULES [${TEST_DB}]`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { EXTENSION_MODULES, ADMIN_PASSWORD } });
  });
  afterAll(() => t.close());

  const token = (headers: Record<string, string>, fields: Record<string, string>) => {
    let req = request(t.url).post('/oauth2/token').type('form');
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req.send(fields);
  };

  describe('a client authentication method (client_key_header)', () => {
    async function keyedApplication(): Promise<{ clientId: string; key: string }> {
      const res = await request(t.url)
        .post('/admin/applications')
        .set('Authorization', `Bearer ${await adminToken(t)}`)
        .send({ client_name: 'Gateway', grant_types: ['client_credentials'], scope: 'read', token_endpoint_auth_method: 'client_key_header' });
      expect(res.status).toBe(201);
      expect(res.body.token_endpoint_auth_method).toBe('client_key_header');
      return { clientId: res.body.client_id, key: res.body.client_secret };
    }

    it('is listed for the token, revocation and introspection endpoints in the metadata', async () => {
      const { body } = await request(t.url).get('/.well-known/oauth-authorization-server');
      for (const field of [
        'token_endpoint_auth_methods_supported',
        'revocation_endpoint_auth_methods_supported',
        'introspection_endpoint_auth_methods_supported',
      ]) {
        expect([...body[field]].sort()).toEqual([...BUILT_IN_METHODS, 'client_key_header'].sort());
      }
    });

    it('authenticates an application registered for it, at the token and introspection endpoints', async () => {
      const { clientId, key } = await keyedApplication();
      const headers = { 'X-Client-Id': clientId, 'X-Client-Key': key };
      const issued = await token(headers, { grant_type: 'client_credentials' });
      expect(issued.status).toBe(200);
      const introspected = await request(t.url).post('/oauth2/introspect').set(headers).type('form').send({ token: issued.body.access_token });
      expect(introspected.body).toMatchObject({ active: true, client_id: clientId });
    });

    it('refuses that application the secret methods, with 401 invalid_client and the Basic challenge (RFC 6749 §5.2)', async () => {
      const { clientId, key } = await keyedApplication();
      const basic = await token({ Authorization: `Basic ${Buffer.from(`${clientId}:${key}`).toString('base64')}` }, { grant_type: 'client_credentials' });
      expect(basic.status).toBe(401);
      expect(basic.body.error).toBe('invalid_client');
      expect(basic.headers['www-authenticate']).toMatch(/^Basic /);
      const posted = await token({}, { grant_type: 'client_credentials', client_id: clientId, client_secret: key });
      expect(posted.status).toBe(401);
      expect(posted.body.error).toBe('invalid_client');
    });

    it('refuses it to an application registered for a secret method, and a wrong key', async () => {
      const secretClient = await createClient(t, { grantTypes: ['client_credentials'] });
      expect(
        (await token({ 'X-Client-Id': secretClient.clientId, 'X-Client-Key': secretClient.clientSecret! }, { grant_type: 'client_credentials' })).status,
      ).toBe(401);
      const { clientId } = await keyedApplication();
      const wrong = await token({ 'X-Client-Id': clientId, 'X-Client-Key': 'not-the-key' }, { grant_type: 'client_credentials' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('invalid_client');
    });

    it('refuses an application with an unregistered method at the admin API, naming the supported ones', async () => {
      const res = await request(t.url)
        .post('/admin/applications')
        .set('Authorization', `Bearer ${await adminToken(t)}`)
        .send({ client_name: 'X', grant_types: ['client_credentials'], token_endpoint_auth_method: 'urn:example:unregistered' });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        { field: 'token_endpoint_auth_method', messages: [expect.stringMatching(/^unsupported token_endpoint_auth_method; supported: /)] },
      ]);
      const supported = (res.body.details[0].messages[0] as string).replace(/^.*supported: /, '').split(', ');
      expect(supported.sort()).toEqual([...BUILT_IN_METHODS, 'client_key_header'].sort());
    });
  });

  describe('a grant with its own single-use record, endpoint, error code and expiry (urn:example:ticket)', () => {
    const ticketFor = async (basic: string) => (await request(t.url).post('/example/tickets').set('Authorization', basic)).body.ticket as string;

    it('publishes its endpoint and grant type in the metadata', async () => {
      const { body } = await request(t.url).get('/.well-known/openid-configuration');
      expect(body.example_ticket_endpoint).toBe(`${t.url}/example/tickets`);
      expect(body.grant_types_supported).toContain('urn:example:ticket');
    });

    it('redeems a ticket once: the second presentation is invalid_grant', async () => {
      const client = await createClient(t, { grantTypes: ['urn:example:ticket'], scope: 'read' });
      const ticket = await ticketFor(client.basic);
      const first = await token({ Authorization: client.basic }, { grant_type: 'urn:example:ticket', ticket });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
      const second = await token({ Authorization: client.basic }, { grant_type: 'urn:example:ticket', ticket });
      expect(second.status).toBe(400);
      expect(second.body).toMatchObject({ error: 'invalid_grant', error_description: 'the ticket was already used' });
    });

    it('answers an expired ticket with the error code the module defined, and the janitor deletes it', async () => {
      const client = await createClient(t, { grantTypes: ['urn:example:ticket'], scope: 'read' });
      const ticket = await ticketFor(client.basic);
      await sql(t.dataSource, 'UPDATE example_tickets SET expires_at = 1 WHERE client_id = ?', [client.clientId]);
      const res = await token({ Authorization: client.basic }, { grant_type: 'urn:example:ticket', ticket });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'expired_ticket', error_description: 'the ticket expired' });
      const deleted = await t.app.get(ExpiredDataCleanupService).runOnce();
      expect(deleted.example_tickets).toBeGreaterThanOrEqual(1);
      expect(await sql(t.dataSource, 'SELECT id FROM example_tickets WHERE client_id = ?', [client.clientId])).toEqual([]);
    });

    it('authenticates the ticket endpoint as the token endpoint does (an unknown client is 401 invalid_client)', async () => {
      const res = await request(t.url)
        .post('/example/tickets')
        .set('Authorization', `Basic ${Buffer.from('nobody:x').toString('base64')}`);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });
  });

  describe('a page for a signed-in user on the interaction kit (/example/hello)', () => {
    it('asks for sign-in, posts back to itself, then serves the page in the server’s shell', async () => {
      const user = await createUser(t);
      const browser = new FormBrowser(t.url);
      const login = await browser.get('/example/hello');
      expect(login.status).toBe(200);
      expect(login.body).toContain('<h1>Sign in</h1>');
      expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const hello = await browser.submit(login, { username: user.username, password: user.password });
      expect(hello.status).toBe(200);
      expect(hello.body).toContain(`<h1>Hello ${user.username}</h1>`);
      const waved = await browser.submit(hello, {});
      expect(waved.body).toContain('Waves so far: 1');
      // The session carries over: a later visit is signed in.
      expect((await browser.get('/example/hello')).body).toContain('Waves so far: 1');
    });

    it('refuses a post without the browser’s CSRF token with 403, and a wrong password with the sign-in page', async () => {
      const user = await createUser(t);
      const browser = new FormBrowser(t.url);
      const login = await browser.get('/example/hello');
      expect((await browser.post('/example/hello', { action: 'login', username: user.username, password: user.password })).status).toBe(403);
      const failed = await browser.submit(login, { username: user.username, password: 'wrong password' });
      expect(failed.status).toBe(401);
      expect(failed.body).toContain('Invalid username or password.');
    });
  });

  it('documents the modules’ endpoints in the OpenAPI document the writer builds', async () => {
    const document = await generateOpenApiDocument({ EXTENSION_MODULES });
    expect(Object.keys(document.paths)).toContain('/example/tickets');
  });

  it('refuses to boot with a second client authentication method of one name', async () => {
    await expect(createTestApp({ env: { EXTENSION_MODULES: './test/fixtures/client-key-header.module.ts#DuplicateMethodModule' } })).rejects.toThrow(
      'Two client authentication methods registered for client_secret_basic',
    );
  });

  it('refuses to start when a module cannot be loaded, in one line naming the variable', async () => {
    await expect(createTestApp({ env: { EXTENSION_MODULES: './test/fixtures/no-such-module.ts' } })).rejects.toThrow(
      /^Invalid environment variable EXTENSION_MODULES: cannot load "\.\/test\/fixtures\/no-such-module\.ts": Cannot find module/,
    );
  });
});
