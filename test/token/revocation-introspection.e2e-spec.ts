import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, createClient, introspectionRequest, revocationRequest, TestClient, TestUser, tokenRequest } from '../support/factories';

describe(`revocation (RFC 7009), introspection (RFC 7662), /me and metadata (RFC 8414) [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => ({ t, client, user } = await appWithClientAndUser({ scope: 'read write' })));
  afterAll(() => t.close());

  const tokens = async () =>
    (await tokenRequest(t.url, { grant_type: 'password', username: user.username, password: user.password }, client.basic)).body as {
      access_token: string;
      refresh_token: string;
    };
  /** The token and its type hint, as introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1) both take them. */
  const tokenFields = (token: string, hint?: string) => ({ token, ...(hint ? { token_type_hint: hint } : {}) });
  const introspect = (token: string, auth = client.basic, hint?: string) => introspectionRequest(t.url, tokenFields(token, hint), auth);
  const revoke = (token: string, auth = client.basic, hint?: string) => revocationRequest(t.url, tokenFields(token, hint), auth);
  const me = (token: string, path = '/me') => request(t.url).get(path).set('Authorization', `Bearer ${token}`);

  it('introspects an active access token with its scope, client, subject and expiry', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { access_token } = await tokens();
    const res = await introspect(access_token);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      active: true,
      // RFC 8176 / OpenID Connect Core §2: how the user signed in, a password alone here.
      amr: ['pwd'],
      acr: '0',
      // OpenID Connect Core §2: when the user authenticated, the password grant's request here.
      auth_time: expect.any(Number),
      scope: 'read write',
      client_id: client.clientId,
      token_type: 'Bearer',
      exp: expect.any(Number),
      iat: expect.any(Number),
      iss: t.url,
      jti: expect.any(String),
      sub: user.id,
      username: user.username,
    });
    expect(res.body.exp - res.body.iat).toBe(3600);
    expect(res.body.auth_time).toBeGreaterThanOrEqual(before);
    expect(res.body.auth_time).toBeLessThanOrEqual(res.body.iat);
  });

  it('introspects a refresh token, hinted or not', async () => {
    const { refresh_token } = await tokens();
    expect((await introspect(refresh_token)).body).toMatchObject({ active: true, auth_time: expect.any(Number), amr: ['pwd'] });
    expect((await introspect(refresh_token, client.basic, 'refresh_token')).body.active).toBe(true);
  });

  it('answers active:false for unknown tokens', async () => {
    expect((await introspect('nope')).body).toEqual({ active: false });
  });

  it('requires client authentication for introspection and revocation', async () => {
    const { access_token } = await tokens();
    expect((await request(t.url).post('/oauth2/introspect').type('form').send({ token: access_token })).status).toBe(401);
    expect((await request(t.url).post('/oauth2/revoke').type('form').send({ token: access_token })).status).toBe(401);
  });

  it('answers invalid_request when the token parameter is missing', async () => {
    const res = await introspectionRequest(t.url, {}, client.basic);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('revokes an access token: /me, /oauth2/userinfo and introspection stop accepting it', async () => {
    const { access_token } = await tokens();
    expect((await me(access_token)).status).toBe(200);
    expect((await me(access_token, '/oauth2/userinfo')).status).toBe(200);
    const res = await revoke(access_token);
    expect(res.status).toBe(200);
    expect((await introspect(access_token)).body.active).toBe(false);
    const after = await me(access_token);
    expect(after.status).toBe(401);
    expect(after.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('revokes a refresh token and the access tokens of its grant (RFC 7009 §2.1)', async () => {
    const { access_token, refresh_token } = await tokens();
    expect((await revoke(refresh_token, client.basic, 'refresh_token')).status).toBe(200);
    expect((await introspect(refresh_token)).body.active).toBe(false);
    expect((await me(access_token)).status).toBe(401);
    const refreshed = await tokenRequest(t.url, { grant_type: 'refresh_token', refresh_token }, client.basic);
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('answers 200 for an unknown token and leaves another client’s token alone', async () => {
    expect((await revoke('unknown-token')).status).toBe(200);
    const { access_token } = await tokens();
    const other = await createClient(t);
    expect((await revoke(access_token, other.basic)).status).toBe(200);
    expect((await me(access_token)).status).toBe(200);
  });

  it('does not show a public client tokens of other clients', async () => {
    const { access_token } = await tokens();
    const pub = await createClient(t, { tokenEndpointAuthMethod: 'none' });
    const res = await request(t.url).post('/oauth2/introspect').type('form').send({ token: access_token, client_id: pub.clientId });
    expect(res.body).toEqual({ active: false });
  });

  it('answers an expired access token as invalid at /me and inactive at introspection', async () => {
    const { access_token } = await tokens();
    await t.dataSource.query('UPDATE access_tokens SET expires_at = 1');
    expect((await me(access_token)).status).toBe(401);
    expect((await introspect(access_token)).body.active).toBe(false);
  });

  it('challenges a request without a token per RFC 6750 §3.1, and a malformed header with invalid_token', async () => {
    const none = await request(t.url).get('/me');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="oauth2"');
    const malformed = await request(t.url).get('/me').set('Authorization', 'Bearer a b c');
    expect(malformed.status).toBe(401);
    expect(malformed.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('publishes RFC 8414 metadata listing every endpoint, grant, auth method and PKCE method', async () => {
    const res = await request(t.url).get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      issuer: t.url,
      authorization_endpoint: `${t.url}/oauth2/authorize`,
      token_endpoint: `${t.url}/oauth2/token`,
      revocation_endpoint: `${t.url}/oauth2/revoke`,
      introspection_endpoint: `${t.url}/oauth2/introspect`,
      response_types_supported: ['code'],
      // plain is refused by the default policy, so it is not advertised (see test/oidc/conformance.e2e-spec.ts).
      code_challenge_methods_supported: ['S256'],
    });
    expect([...res.body.token_endpoint_auth_methods_supported].sort()).toEqual([
      'client_secret_basic',
      'client_secret_jwt',
      'client_secret_post',
      'none',
      'private_key_jwt',
      'self_signed_tls_client_auth',
      'tls_client_auth',
    ]);
    expect([...res.body.grant_types_supported].sort()).toEqual([
      'authorization_code',
      'client_credentials',
      'password',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
  });
});

describe(`API documentation endpoints [${TEST_DB}]`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await request(t.url).get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await request(t.url).get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toContain('/oauth2/token');
  });
});
