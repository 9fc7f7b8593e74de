import { decodeJwt } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { s256 } from '../../src/pkce/pkce';
import { ADMIN_PASSWORD, adminApi, AdminApi } from '../support/admin';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { STALE_IF_ERROR_SECONDS } from '../../src/registration/client-id-metadata-documents';
import { createClient, createUser, TestUser } from '../support/factories';
import { FormBrowser } from '../support/form-browser';
import { sql } from '../support/sql';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const MCP_SERVER = 'https://mcp.example.com/mcp';

/** A client's web site serving metadata documents, on the loopback interface. */
async function documentServer(): Promise<{ server: Server; base: string; hits: Map<string, number> }> {
  let base = '';
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    const self = `${base}${req.url}`;
    const json = (body: object, headers: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    switch (req.url) {
      case '/mcp/client.json':
        return json(
          {
            client_id: self,
            client_name: 'Inspector',
            client_uri: 'https://inspector.example.com',
            redirect_uris: ['http://127.0.0.1/callback'],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          },
          { 'cache-control': 'max-age=300' },
        );
      case '/logo.json':
        return json({
          client_id: self,
          client_name: 'Logo Agent',
          logo_uri: 'https://cdn.logo-agent.example:8443/brand/logo.png',
          redirect_uris: ['http://127.0.0.1/callback'],
        });
      case '/hosts.json':
        return json({ client_id: self, redirect_uris: ['http://127.0.0.1/callback'] }, { 'cache-control': 'no-store' });
      case '/cached.json':
        return json({ client_id: self, redirect_uris: ['http://127.0.0.1/callback'] }, { 'cache-control': 'max-age=300' });
      case '/no-store.json':
        return json({ client_id: self, redirect_uris: ['http://127.0.0.1/callback'] }, { 'cache-control': 'no-store' });
      case '/other-id.json':
        return json({ client_id: `${base}/mcp/client.json`, redirect_uris: ['http://127.0.0.1/callback'] });
      case '/large.json':
        return json({ client_id: self, redirect_uris: ['http://127.0.0.1/callback'], padding: 'x'.repeat(20_000) });
      case '/redirect.json':
        res.writeHead(302, { location: `${base.replace('127.0.0.1', 'localhost')}/mcp/client.json` });
        return res.end();
      case '/slow.json':
        setTimeout(() => json({ client_id: self, redirect_uris: ['http://127.0.0.1/callback'] }), 6000).unref();
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, base, hits };
}

describe(`Client ID Metadata Documents [${TEST_DB}]`, () => {
  let t: TestApp;
  let admin: AdminApi;
  let user: TestUser;
  let site: { server: Server; base: string; hits: Map<string, number> };

  beforeAll(async () => {
    site = await documentServer();
    t = await createTestApp({ env: { ADMIN_PASSWORD, CLIENT_ID_METADATA_DOCUMENTS: 'on', CLIENT_ID_METADATA_DOCUMENT_ALLOW_PRIVATE: 'on' } });
    admin = await adminApi(t);
    user = await createUser(t);
    const resource = await admin.post('/admin/resources', { identifier: MCP_SERVER, name: 'MCP server', scope: 'mcp:tools', access_token_format: 'jwt' });
    expect(resource.status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    site.server.close();
  });

  const authorize = (clientId: string, extra: Record<string, string> = {}) =>
    `/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1:43117/callback',
      scope: 'mcp:tools',
      resource: MCP_SERVER,
      code_challenge: s256(VERIFIER),
      code_challenge_method: 'S256',
      ...extra,
    })}`;

  it('says so in the metadata', async () => {
    expect((await request(t.url).get('/.well-known/oauth-authorization-server')).body.client_id_metadata_document_supported).toBe(true);
  });

  it('completes the code flow with PKCE and resource for a client known only by its document URL', async () => {
    const clientId = `${site.base}/mcp/client.json`;
    const browser = new FormBrowser(t.url);
    const login = await browser.get(authorize(clientId));
    expect(login.status).toBe(200);
    const consent = await browser.submit(login, { username: user.username, password: user.password });
    expect(consent.body).toContain('Inspector');
    expect(consent.body).toContain(`run by <strong>127.0.0.1:${new URL(site.base).port}</strong>`);
    const done = await browser.submit(consent, { action: 'approve' });
    const redirect = new URL(done.location!);
    // RFC 8252 §7.3: the loopback redirect URI with the port the app chose.
    expect(redirect.origin).toBe('http://127.0.0.1:43117');
    const token = await request(t.url)
      .post('/oauth2/token')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        client_id: clientId,
        code: redirect.searchParams.get('code')!,
        redirect_uri: 'http://127.0.0.1:43117/callback',
        code_verifier: VERIFIER,
        resource: MCP_SERVER,
      });
    expect(token.status).toBe(200);
    const claims = decodeJwt(token.body.access_token);
    expect(claims).toMatchObject({ aud: MCP_SERVER, client_id: clientId, scope: 'mcp:tools' });

    const application = await admin.get(`/admin/applications/${encodeURIComponent(clientId)}`);
    expect(application.body).toMatchObject({
      client_name: 'Inspector',
      registration: 'metadata_document',
      token_endpoint_auth_method: 'none',
      pkce: 'required',
    });
    const audit = await admin.get(`/admin/audit-events?client_id=${encodeURIComponent(clientId)}`);
    expect((audit.body.items as { type: string }[]).map((event) => event.type)).toContain('registration.metadata_document_client_added');
  });

  it('shows the logo of the document on the consent page, the CSP allowing that one origin for that answer only', async () => {
    const clientId = `${site.base}/logo.json`;
    const browser = new FormBrowser(t.url);
    const login = await browser.get(authorize(clientId));
    // The sign-in page loads no image.
    expect(login.headers.get('content-security-policy')).not.toContain('img-src');
    const consent = await browser.submit(login, { username: user.username, password: user.password });
    expect(consent.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; img-src https://cdn.logo-agent.example:8443",
    );
    expect(consent.body).toContain('<img class="client-logo" src="https://cdn.logo-agent.example:8443/brand/logo.png" alt=""');
    // The host serving the document is the name the user can check, whatever the document says.
    expect(consent.body).toContain(`run by <strong>127.0.0.1:${new URL(site.base).port}</strong>`);
  });

  it('requires PKCE of such a client', async () => {
    const clientId = `${site.base}/mcp/client.json`;
    const url = authorize(clientId).replace(/&code_challenge=[^&]*&code_challenge_method=S256/, '');
    const res = await new FormBrowser(t.url).get(url);
    expect(res.status).toBe(302);
    expect(new URL(res.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('honours HTTP caching: a fresh copy is reused, a no-store document is fetched on every use', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await new FormBrowser(t.url).get(authorize(`${site.base}/cached.json`))).status).toBe(200);
      expect((await new FormBrowser(t.url).get(authorize(`${site.base}/no-store.json`))).status).toBe(200);
    }
    expect(site.hits.get('/cached.json')).toBe(1);
    expect(site.hits.get('/no-store.json')).toBe(2);
  });

  it.each([
    ['whose client_id differs from its URL', '/other-id.json', 'its client_id differs from the URL'],
    ['that is too large', '/large.json', 'larger than'],
    ['that redirects to another host', '/redirect.json', 'redirects to another host'],
    ['served too slowly', '/slow.json', 'did not answer in time'],
    ['that does not exist', '/missing.json', 'HTTP 404'],
  ])('refuses a document %s with a clear error page', async (_case, path, reason) => {
    const res = await new FormBrowser(t.url).get(authorize(`${site.base}${path}`));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.body).toContain(reason);
  });

  it('answers a token request for an unusable document with a JSON error, never a 5xx', async () => {
    const res = await request(t.url)
      .post('/oauth2/token')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        client_id: `${site.base}/other-id.json`,
        code: 'x',
        redirect_uri: 'http://127.0.0.1/callback',
        code_verifier: VERIFIER,
      });
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toBe('invalid_request');
  });

  it('takes the host lists from the admin settings at run time, audited, and back to the environment with null', async () => {
    const clientId = `${site.base}/hosts.json`;
    expect((await admin.get('/admin/settings')).body).toMatchObject({
      client_id_metadata_document_allowed_hosts: null,
      client_id_metadata_document_denied_hosts: null,
    });
    const denied = await admin.patch('/admin/settings', { client_id_metadata_document_denied_hosts: ['127.0.0.1'] });
    expect(denied.status).toBe(200);
    expect(denied.body.client_id_metadata_document_denied_hosts).toEqual(['127.0.0.1']);
    const refused = await new FormBrowser(t.url).get(authorize(clientId));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('this host is not accepted here');

    // An allow-list without this host refuses it too; `*` lets every host in.
    await admin.patch('/admin/settings', {
      client_id_metadata_document_denied_hosts: null,
      client_id_metadata_document_allowed_hosts: ['*.agents.example.net'],
    });
    expect((await new FormBrowser(t.url).get(authorize(clientId))).status).toBe(400);
    await admin.patch('/admin/settings', { client_id_metadata_document_allowed_hosts: ['*'] });
    expect((await new FormBrowser(t.url).get(authorize(clientId))).status).toBe(200);
    await admin.patch('/admin/settings', { client_id_metadata_document_allowed_hosts: null });
    expect((await new FormBrowser(t.url).get(authorize(clientId))).status).toBe(200);

    const audit = await admin.get('/admin/audit-events?type=admin.settings.updated');
    const details = (audit.body.items as { detail: Record<string, unknown> }[]).map((event) => event.detail);
    expect(details).toContainEqual({ client_id_metadata_document_denied_hosts: '127.0.0.1' });
    expect(details).toContainEqual({ client_id_metadata_document_denied_hosts: null, client_id_metadata_document_allowed_hosts: '*.agents.example.net' });

    for (const bad of [['https://x.example'], ['a b'], 'x.example', Array(101).fill('x.example')]) {
      const res = await admin.patch('/admin/settings', { client_id_metadata_document_allowed_hosts: bad });
      expect(res.status).toBe(400);
    }
  });

  describe('when the document cannot be fetched again (RFC 5861 stale-if-error)', () => {
    let outage: Server;
    let clientId: string;
    const redirectUri = 'http://127.0.0.1:43117/callback';

    beforeAll(async () => {
      outage = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
        res.end(
          JSON.stringify({ client_id: clientId, client_name: 'Flaky', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'] }),
        );
      });
      await new Promise<void>((resolve) => outage.listen(0, '127.0.0.1', resolve));
      clientId = `http://127.0.0.1:${(outage.address() as AddressInfo).port}/flaky.json`;
    });
    afterAll(() => outage.close());

    const expireCopy = (secondsAgo: number) =>
      sql(t.dataSource, 'UPDATE client_registrations SET document_expires_at = ? WHERE client_id = ?', [Math.floor(Date.now() / 1000) - secondsAgo, clientId]);

    it('introspects and refreshes with the stale copy while the site is down, and fails once the copy is too old', async () => {
      const browser = new FormBrowser(t.url);
      const consent = await browser.submit(await browser.get(authorize(clientId)), { username: user.username, password: user.password });
      const done = await browser.submit(consent, { action: 'approve' });
      const code = new URL(done.location!).searchParams.get('code')!;
      const tokens = await request(t.url)
        .post('/oauth2/token')
        .type('form')
        .send({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: VERIFIER, resource: MCP_SERVER });
      expect(tokens.status).toBe(200);
      const resourceServer = await createClient(t, { grantTypes: ['client_credentials'] });
      const introspect = () =>
        request(t.url)
          .post('/oauth2/introspect')
          .auth(resourceServer.clientId, resourceServer.clientSecret!)
          .type('form')
          .send({ token: tokens.body.access_token });
      const refresh = (token: string) =>
        request(t.url).post('/oauth2/token').type('form').send({ grant_type: 'refresh_token', client_id: clientId, refresh_token: token });

      // The site goes down and the copy we hold is past its max-age.
      await new Promise((resolve) => outage.close(resolve));
      outage.closeAllConnections();
      await expireCopy(60);
      const during = await introspect();
      expect(during.status).toBe(200);
      expect(during.body).toMatchObject({ active: true, client_id: clientId });
      const refreshed = await refresh(tokens.body.refresh_token);
      expect(refreshed.status).toBe(200);

      // Past the bounded stale period, the client cannot be vouched for: refused, never a 5xx.
      await expireCopy(STALE_IF_ERROR_SECONDS + 60);
      const after = await refresh(refreshed.body.refresh_token);
      expect(after.status).toBe(400);
      expect(after.body).toMatchObject({ error: 'invalid_request' });
      expect(after.body.error_description).toContain('could not be reached');
      expect((await introspect()).status).toBeLessThan(500);
    });
  });

  it('serves the stale copy without fetching again for a while after a failed fetch (back-off)', async () => {
    let down = false;
    let fetches = 0;
    const flaky = createServer((req, res) => {
      fetches += 1;
      if (down) {
        res.writeHead(503);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
      res.end(JSON.stringify({ client_id: backoffClient, redirect_uris: ['http://127.0.0.1/callback'] }));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const backoffClient = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/backoff.json`;
    try {
      const browser = new FormBrowser(t.url);
      expect((await browser.get(authorize(backoffClient))).status).toBe(200);
      expect(fetches).toBe(1);
      down = true;
      await sql(t.dataSource, 'UPDATE client_registrations SET document_expires_at = ? WHERE client_id = ?', [
        Math.floor(Date.now() / 1000) - 60,
        backoffClient,
      ]);
      // The first use after the copy went stale tries the site (503) and serves the stale copy.
      expect((await browser.get(authorize(backoffClient))).status).toBe(200);
      expect(fetches).toBe(2);
      // The next ones, within the back-off, do not try again.
      expect((await browser.get(authorize(backoffClient))).status).toBe(200);
      expect((await browser.get(authorize(backoffClient))).status).toBe(200);
      expect(fetches).toBe(2);
    } finally {
      flaky.close();
    }
  });

  describe('with the address protection on (the default)', () => {
    let strict: TestApp;
    beforeAll(async () => {
      strict = await createTestApp({ env: { CLIENT_ID_METADATA_DOCUMENTS: 'on', CLIENT_ID_METADATA_DOCUMENT_DENIED_HOSTS: 'blocked.example.com' } });
    });
    afterAll(() => strict.close());

    it.each([
      ['a loopback IP address', () => `https://127.0.0.1:${new URL(site.base).port}/mcp/client.json`, 'private or loopback address'],
      ['a name that resolves to loopback', () => `https://localhost:${new URL(site.base).port}/mcp/client.json`, 'private or loopback address'],
      ['a denied host', () => 'https://blocked.example.com/client.json', 'this host is not accepted here'],
    ])('refuses a document on %s', async (_case, clientId, reason) => {
      const res = await new FormBrowser(strict.url).get(authorize(clientId()));
      expect(res.status).toBe(400);
      expect(res.body).toContain(reason);
    });
  });
});
