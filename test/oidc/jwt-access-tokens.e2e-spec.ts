import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import type { TestApp, TestAppPair } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appPairWithAdminApi } from '../support/admin';
import { basicAuth, introspectionRequest, revocationRequest, tokenRequest } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';

const ORDERS = 'https://api.example.com/orders';
const BILLING = 'https://api.example.com/billing';
const REDIRECT_URI = 'https://rp.example.com/cb';

/** RFC 9068 JWT access tokens for RFC 8707 resource servers, on two instances of one database. */
describe(`JWT access tokens and resource indicators [${TEST_DB}]`, () => {
  let pair: TestAppPair;
  let admin: AdminApi;
  let app: { client_id: string; client_secret: string };

  beforeAll(async () => {
    ({ api: admin, ...pair } = await appPairWithAdminApi());
    expect(
      (
        await admin.post('/admin/resources', {
          identifier: ORDERS,
          name: 'Orders',
          scope: 'orders:read orders:write',
          access_token_format: 'jwt',
          access_token_ttl: 600,
        })
      ).status,
    ).toBe(201);
    expect((await admin.post('/admin/resources', { identifier: BILLING, name: 'Billing', scope: 'billing', access_token_format: 'opaque' })).status).toBe(201);
    app = (
      await admin.post('/admin/applications', {
        client_name: 'Service',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['client_credentials', 'password', 'authorization_code', 'refresh_token'],
        scope: 'openid orders:read profile',
        resources: [ORDERS, BILLING],
      })
    ).body;
    await admin.post('/admin/users', { username: 'rita', password: 'rita-password' });
  });
  afterAll(() => pair.close());

  const token = (instance: TestApp, fields: Record<string, string>) => tokenRequest(instance.url, fields, basicAuth(app.client_id, app.client_secret));
  const introspect = (instance: TestApp, value: string) => introspectionRequest(instance.url, { token: value }, basicAuth(app.client_id, app.client_secret));

  it('issues an RFC 9068 JWT for the named resource, verifiable by jose against the remote JWKS, with only that resource’s scopes', async () => {
    const res = await token(pair.a, { grant_type: 'client_credentials', resource: ORDERS });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'orders:read' });
    expect(decodeProtectedHeader(res.body.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    const { payload } = await jwtVerify(res.body.access_token, createRemoteJWKSet(new URL(`${pair.b.url}/oauth2/jwks`)), {
      issuer: pair.a.url,
      audience: ORDERS,
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({ sub: app.client_id, client_id: app.client_id, scope: 'orders:read', jti: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect((await introspect(pair.b, res.body.access_token)).body).toMatchObject({ active: true, aud: ORDERS, jti: payload.jti, scope: 'orders:read' });
  });

  it('refuses an unknown resource, and one the client may not request, with invalid_target', async () => {
    const narrow = (await admin.post('/admin/applications', { client_name: 'Narrow', resources: [ORDERS] })).body;
    const denied = await tokenRequest(pair.a.url, { grant_type: 'client_credentials', resource: BILLING }, basicAuth(narrow.client_id, narrow.client_secret));
    expect(denied.body.error).toBe('invalid_target');
    for (const resource of ['https://api.example.com/unknown']) {
      const res = await token(pair.a, { grant_type: 'client_credentials', resource });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_target');
    }
    const authorize = await new FormBrowser(pair.a.url).get(
      `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&resource=${encodeURIComponent('https://api.example.com/unknown')}&state=s`,
    );
    expect(Object.fromEntries(new URL(authorize.location!).searchParams)).toMatchObject({ error: 'invalid_target', state: 's' });
  });

  it('makes a revoked JWT inactive at once for introspection and /me on the other instance', async () => {
    const own = (await admin.post('/admin/applications', { client_name: 'JWT for us', grant_types: ['password'], access_token_format: 'jwt' })).body;
    const res = await tokenRequest(
      pair.a.url,
      { grant_type: 'password', username: 'rita', password: 'rita-password' },
      basicAuth(own.client_id, own.client_secret),
    );
    const jwt = res.body.access_token as string;
    expect(decodeProtectedHeader(jwt).typ).toBe('at+jwt');
    // RFC 9068 §2.2.1: when the user authenticated, which introspection reports from the claim.
    const authTime = decodeJwt(jwt).auth_time as number;
    expect(authTime).toBeGreaterThanOrEqual(decodeJwt(jwt).iat! - 1);
    const active = await introspectionRequest(pair.b.url, { token: jwt }, basicAuth(own.client_id, own.client_secret));
    expect(active.body).toMatchObject({ active: true, auth_time: authTime, amr: ['pwd'] });
    expect((await request(pair.b.url).get('/me').set('Authorization', `Bearer ${jwt}`)).status).toBe(200);
    const revoked = await revocationRequest(pair.a.url, { token: jwt }, basicAuth(own.client_id, own.client_secret));
    expect(revoked.status).toBe(200);
    expect((await introspectionRequest(pair.b.url, { token: jwt }, basicAuth(own.client_id, own.client_secret))).body).toEqual({ active: false });
    expect((await request(pair.b.url).get('/me').set('Authorization', `Bearer ${jwt}`)).status).toBe(401);
  });

  it('refuses a token issued for a resource server at this server’s own endpoints (/me, userinfo, admin)', async () => {
    const forOrders = (await token(pair.a, { grant_type: 'password', username: 'rita', password: 'rita-password', resource: ORDERS })).body
      .access_token as string;
    for (const path of ['/me', '/oauth2/userinfo', '/admin/users']) {
      const res = await request(pair.b.url).get(path).set('Authorization', `Bearer ${forOrders}`);
      expect(res.status).toBe(401);
      expect(res.body.error_description).toBe('token is for another resource server');
    }
  });

  it('binds the code flow to the resource named at authorize; the refresh keeps it; another one is invalid_target', async () => {
    const redirect = await approveAuthorization(
      new FormBrowser(pair.a.url),
      `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=orders:read&resource=${encodeURIComponent(ORDERS)}`,
      { username: 'rita', password: 'rita-password' },
    );
    const code = redirect.searchParams.get('code')!;
    const issued = await token(pair.b, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    expect(issued.status).toBe(200);
    const { payload } = await jwtVerify(issued.body.access_token, createRemoteJWKSet(new URL(`${pair.a.url}/oauth2/jwks`)), { audience: ORDERS });
    expect(payload.sub).not.toBe(app.client_id);
    const refreshed = await token(pair.a, { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token });
    expect(decodeProtectedHeader(refreshed.body.access_token).typ).toBe('at+jwt');
    // BILLING is allowed for the client, but not for this grant (RFC 8707 §2.2).
    const other = await token(pair.a, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, resource: BILLING });
    expect(other.body.error).toBe('invalid_target');
  });

  it('keeps a grant without a resource open to any allowed resource, and returns the ID Token on a refresh that names one', async () => {
    const redirect = await approveAuthorization(
      new FormBrowser(pair.a.url),
      `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=${encodeURIComponent('openid orders:read')}`,
      { username: 'rita', password: 'rita-password' },
    );
    const issued = await token(pair.a, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT_URI });
    const first = await token(pair.a, { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token, resource: ORDERS });
    expect(first.status).toBe(200);
    expect(first.body.scope).toBe('orders:read');
    expect(first.body.id_token).toBeDefined();
    const second = await token(pair.a, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, resource: BILLING });
    expect(second.status).toBe(200);
  });

  it('issues JWTs without a resource when the application asks for that format, with this server as audience (RFC 9068 §3 default resource)', async () => {
    const jwtApp = (await admin.post('/admin/applications', { client_name: 'JWT app', access_token_format: 'jwt' })).body;
    const res = await tokenRequest(pair.a.url, { grant_type: 'client_credentials' }, basicAuth(jwtApp.client_id, jwtApp.client_secret));
    const { payload } = await jwtVerify(res.body.access_token, createRemoteJWKSet(new URL(`${pair.a.url}/oauth2/jwks`)), {
      audience: pair.a.url,
      typ: 'at+jwt',
    });
    expect(payload.client_id).toBe(jwtApp.client_id);
    // Without a format of its own, the application keeps opaque tokens.
    expect((await token(pair.a, { grant_type: 'client_credentials' })).body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('validates resource servers and the resources an application lists', async () => {
    expect((await admin.post('/admin/resources', { identifier: 'not a uri', name: 'x' })).status).toBe(400);
    expect((await admin.post('/admin/resources', { identifier: 'https://api.example.com/x#frag', name: 'x' })).status).toBe(400);
    expect((await admin.post('/admin/resources', { identifier: ORDERS, name: 'again' })).status).toBe(409);
    const unknown = await admin.post('/admin/applications', { client_name: 'x', resources: ['https://nowhere.example'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error_description).toBe('not registered resource servers: https://nowhere.example');
    const badAlg = await admin.post('/admin/resources', { identifier: 'https://api.example.com/hs', name: 'x', access_token_signing_alg: 'HS256' });
    expect(badAlg.status).toBe(400);
    expect(badAlg.body.error_description).toContain('access_token_signing_alg must be one of RS256, PS256, ES256, EdDSA');
    const list = (await admin.get('/admin/resources')).body;
    expect(list.map((r: { identifier: string }) => r.identifier).sort()).toEqual([BILLING, ORDERS]);
    expect(list.map((r: { access_token_signing_alg: string }) => r.access_token_signing_alg)).toEqual(['RS256', 'RS256']);
  });

  it.each(['PS256', 'ES256', 'EdDSA'])('signs the JWT access tokens of a resource server that chose %s, verifiable against the remote JWKS', async (alg) => {
    const identifier = `https://api.example.com/${alg.toLowerCase()}`;
    const created = await admin.post('/admin/resources', { identifier, name: alg, scope: 'orders:read', access_token_signing_alg: alg });
    expect(created.body).toMatchObject({ access_token_format: 'jwt', access_token_signing_alg: alg });
    const client = (await admin.post('/admin/applications', { client_name: `${alg} service`, scope: 'orders:read', resources: [identifier] })).body;
    const issue = () => tokenRequest(pair.b.url, { grant_type: 'client_credentials', resource: identifier }, basicAuth(client.client_id, client.client_secret));
    const res = await issue();
    expect(res.status).toBe(200);
    expect(decodeProtectedHeader(res.body.access_token)).toMatchObject({ typ: 'at+jwt', alg });
    const { payload } = await jwtVerify(res.body.access_token, createRemoteJWKSet(new URL(`${pair.a.url}/oauth2/jwks`)), {
      issuer: pair.b.url, // issued by b, its keys published by a: one key set
      audience: identifier,
      typ: 'at+jwt',
      algorithms: [alg],
    });
    expect(payload).toMatchObject({ client_id: client.client_id, scope: 'orders:read' });
    // Switching back takes effect on the other instance at once (the cache invalidation of resource servers).
    expect((await admin.patch(`/admin/resources/${created.body.id}`, { access_token_signing_alg: 'RS256' })).body.access_token_signing_alg).toBe('RS256');
    expect(decodeProtectedHeader((await issue()).body.access_token).alg).toBe('RS256');
  });
});
