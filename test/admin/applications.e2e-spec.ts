import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { basicAuth, createUser, tokenRequest } from '../support/factories';
import { sql } from '../support/sql';

describe(`admin API: applications [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => ({ t, api } = await appWithAdminApi()));
  afterAll(() => t.close());

  const webApp = {
    client_name: 'Web Shop',
    redirect_uris: ['https://shop.example.com/callback'],
    grant_types: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
    scope: 'read write',
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const clientCredentials = (clientId: string, secret: string) => tokenRequest(t.url, { grant_type: 'client_credentials' }, basicAuth(clientId, secret));

  it('creates a confidential application (201) and returns its secret once', async () => {
    const res = await api.post('/admin/applications').send(webApp);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_name: 'Web Shop',
      redirect_uris: ['https://shop.example.com/callback'],
      grant_types: webApp.grant_types,
      scope: 'read write',
      token_endpoint_auth_method: 'client_secret_basic',
      pkce: 'inherit',
      pkce_plain_allowed: null,
      access_token_ttl: null,
      refresh_token_ttl: null,
      registration: null,
      refresh_token_rotation: 'rotate',
      weak_secret: false,
      warnings: [],
      id_token_signed_response_alg: 'RS256',
      id_token_claims: 'scope',
      post_logout_redirect_uris: [],
      access_token_format: 'opaque',
      resources: [],
      jwks: null,
      jwks_uri: null,
      token_endpoint_auth_signing_alg: null,
      tls_client_auth_subject_dn: null,
      tls_client_auth_san_dns: null,
      tls_client_auth_san_uri: null,
      tls_client_auth_san_ip: null,
      tls_client_auth_san_email: null,
      dpop_bound_access_tokens: false,
      tls_client_certificate_bound_access_tokens: false,
      require_pushed_authorization_requests: false,
      require_signed_request_object: false,
      fapi_profile: null,
      mfa: null,
      enabled: true,
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
    });
    expect((await clientCredentials(res.body.client_id, res.body.client_secret)).status).toBe(200);
    const fetched = await api.get(`/admin/applications/${res.body.client_id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.client_secret).toBeUndefined();
  });

  it('lets a client_secret_basic application authenticate with client_secret_post too', async () => {
    const created = (await api.post('/admin/applications').send(webApp)).body;
    const res = await tokenRequest(t.url, { grant_type: 'client_credentials', client_id: created.client_id, client_secret: created.client_secret });
    expect(res.status).toBe(200);
  });

  it('creates a public application without a secret', async () => {
    const res = await api.post('/admin/applications').send({ ...webApp, grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' });
    expect(res.status).toBe(201);
    expect(res.body.client_secret).toBeUndefined();
    expect((await api.post(`/admin/applications/${res.body.client_id}/secret`)).status).toBe(400);
  });

  it.each([
    ['a missing client_name', { client_name: undefined }, 'client_name'],
    ['a relative redirect URI', { redirect_uris: ['/callback'] }, 'redirect_uris'],
    ['a redirect URI with a fragment', { redirect_uris: ['https://a.example/cb#x'] }, 'redirect_uris'],
    ['an unknown grant type', { grant_types: ['implicit'] }, 'grant_types'],
    ['an unknown auth method', { token_endpoint_auth_method: 'urn:example:unregistered' }, 'token_endpoint_auth_method'],
    ['an unknown pkce policy', { pkce: 'sometimes' }, 'pkce'],
    ['a negative lifetime', { access_token_ttl: -1 }, 'access_token_ttl'],
    ['a scope with a quote', { scope: 'read "write"' }, 'scope'],
    ['the code grant without redirect URIs', { redirect_uris: [] }, 'redirect_uris'],
    ['client_credentials for a public client', { token_endpoint_auth_method: 'none' }, 'grant_types'],
  ])('answers 400 with a field-level message for %s', async (_name, change, field) => {
    const res = await api.post('/admin/applications').send({ ...webApp, ...change });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('lists applications with pagination and a name filter', async () => {
    for (const name of ['Alpha 50% App', 'Beta App', 'Gamma App']) {
      await api.post('/admin/applications').send({ ...webApp, client_name: name });
    }
    const page = await api.get('/admin/applications?page=1&per_page=2');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body).toMatchObject({ page: 1, per_page: 2 });
    expect(page.body.total).toBeGreaterThanOrEqual(4);
    const filtered = await api.get('/admin/applications?name=50%25');
    expect(filtered.body.items.map((a: { client_name: string }) => a.client_name)).toEqual(['Alpha 50% App']);
    expect((await api.get('/admin/applications?per_page=1000')).status).toBe(400);
  });

  it('updates an application with PATCH and enforces the change at the token endpoint', async () => {
    const created = (await api.post('/admin/applications').send(webApp)).body;
    const res = await api.patch(`/admin/applications/${created.client_id}`).send({ scope: 'read', access_token_ttl: 120 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scope: 'read', access_token_ttl: 120, client_name: 'Web Shop' });
    const token = await clientCredentials(created.client_id, created.client_secret);
    expect(token.body).toMatchObject({ scope: 'read', expires_in: 120 });
  });

  it('requires DPoP proofs from an application set to dpop_bound_access_tokens (RFC 9449 §5.2)', async () => {
    const created = (await api.post('/admin/applications').send(webApp)).body;
    const res = await api.patch(`/admin/applications/${created.client_id}`).send({ dpop_bound_access_tokens: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dpop_bound_access_tokens: true, tls_client_certificate_bound_access_tokens: false });
    const token = await clientCredentials(created.client_id, created.client_secret);
    expect(token.status).toBe(400);
    expect(token.body).toMatchObject({ error: 'invalid_dpop_proof' });
    expect((await api.patch(`/admin/applications/${created.client_id}`).send({ dpop_bound_access_tokens: null })).status).toBe(400);
  });

  describe('the reserved admin scope on an application', () => {
    const scopeOf = async (clientId: string, secret: string, scope?: string) =>
      (await tokenRequest(t.url, { grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, basicAuth(clientId, secret))).body;

    it('accepts it, with a warning when the grant types never issue a token for a user, and client_credentials never gets it', async () => {
      const res = await api.post('/admin/applications').send({ client_name: 'Batch job', grant_types: ['client_credentials'], scope: 'read admin' });
      expect(res.status).toBe(201);
      expect(res.body.warnings).toEqual([
        'scope admin is only issued to users with the admin role, and grant types client_credentials never issue a token for a user: this application can never receive it',
      ]);
      expect((await api.get(`/admin/applications/${res.body.client_id}`)).body.warnings).toHaveLength(1);
      expect(await scopeOf(res.body.client_id, res.body.client_secret)).toMatchObject({ scope: 'read' });
      expect(await scopeOf(res.body.client_id, res.body.client_secret, 'admin')).toMatchObject({ error: 'invalid_scope' });
    });

    it('has no warning for an admin console that can obtain it for its administrators, and none once the scope is dropped', async () => {
      const consoleApp = (await api.post('/admin/applications').send({ ...webApp, client_name: 'Admin console', scope: 'openid admin' })).body;
      expect(consoleApp.warnings).toEqual([]);
      const batch = (await api.post('/admin/applications').send({ client_name: 'Batch', grant_types: ['client_credentials'], scope: 'admin' })).body;
      expect(batch.warnings).toHaveLength(1);
      const fixed = await api.patch(`/admin/applications/${batch.client_id}`).send({ scope: 'read' });
      expect(fixed.body.warnings).toEqual([]);
      const listed = await api.get('/admin/applications?per_page=100');
      expect(listed.body.items.find((app: { client_id: string }) => app.client_id === consoleApp.client_id).warnings).toEqual([]);
    });
  });

  it('refuses to turn a confidential application into a public one', async () => {
    const created = (await api.post('/admin/applications').send(webApp)).body;
    const res = await api.patch(`/admin/applications/${created.client_id}`).send({ token_endpoint_auth_method: 'none' });
    expect(res.status).toBe(400);
  });

  it('disabling an application revokes its tokens and refuses new ones', async () => {
    const created = (await api.post('/admin/applications').send(webApp)).body;
    const token = (await clientCredentials(created.client_id, created.client_secret)).body.access_token;
    await api.patch(`/admin/applications/${created.client_id}`).send({ enabled: false });
    expect((await clientCredentials(created.client_id, created.client_secret)).status).toBe(401);
    const introspection = await request(t.url)
      .post('/oauth2/introspect')
      .set('Authorization', basicAuth(created.client_id, created.client_secret))
      .type('form')
      .send({ token });
    expect(introspection.status).toBe(401);
    const [row] = await sql(t.dataSource, 'SELECT revoked_at FROM access_tokens WHERE client_id = ?', [created.client_id]);
    expect(row.revoked_at).not.toBeNull();
  });

  it('rotates the secret: the new one works, the old one stops at once', async () => {
    const created = (await api.post('/admin/applications').send(webApp)).body;
    const rotated = await api.post(`/admin/applications/${created.client_id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ client_id: created.client_id, client_secret: expect.any(String) });
    expect((await clientCredentials(created.client_id, created.client_secret)).status).toBe(401);
    expect((await clientCredentials(created.client_id, rotated.body.client_secret)).status).toBe(200);
  });

  it('deletes an application (204), revoking its tokens; then 404', async () => {
    const created = (await api.post('/admin/applications').send(webApp)).body;
    const user = await createUser(t);
    const token = (
      await tokenRequest(
        t.url,
        { grant_type: 'password', username: user.username, password: user.password },
        basicAuth(created.client_id, created.client_secret),
      )
    ).body.access_token;
    expect((await request(t.url).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect((await api.delete(`/admin/applications/${created.client_id}`)).status).toBe(204);
    expect((await request(t.url).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    expect((await api.get(`/admin/applications/${created.client_id}`)).status).toBe(404);
    expect((await api.delete(`/admin/applications/${created.client_id}`)).status).toBe(404);
    expect((await api.patch(`/admin/applications/${created.client_id}`).send({ scope: 'x' })).status).toBe(404);
  });

  it('refuses to delete the built-in admin-cli application (409)', async () => {
    expect((await api.delete('/admin/applications/admin-cli')).status).toBe(409);
  });

  it('lists an application’s active tokens without their values, and revokes them all', async () => {
    const created = (await api.post('/admin/applications').send(webApp)).body;
    const issued = (await clientCredentials(created.client_id, created.client_secret)).body;
    const list = await api.get(`/admin/applications/${created.client_id}/tokens`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ type: 'access_token', client_id: created.client_id, user_id: null })]);
    expect(JSON.stringify(list.body)).not.toContain(issued.access_token);
    expect((await api.delete(`/admin/applications/${created.client_id}/tokens`)).status).toBe(204);
    expect((await api.get(`/admin/applications/${created.client_id}/tokens`)).body).toEqual([]);
  });

  it('revokes one token by id with DELETE /admin/tokens/{id}, and 404 for an unknown id', async () => {
    const created = (await api.post('/admin/applications').send(webApp)).body;
    await clientCredentials(created.client_id, created.client_secret);
    const [token] = (await api.get(`/admin/applications/${created.client_id}/tokens`)).body;
    expect((await api.delete(`/admin/tokens/${token.id}`)).status).toBe(204);
    expect((await api.get(`/admin/applications/${created.client_id}/tokens`)).body).toEqual([]);
    expect((await api.delete('/admin/tokens/nope')).status).toBe(404);
  });
});
