import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { signInAndRedeem } from '../support/relying-app';

const REDIRECT_URI = 'https://rp.example.com/callback';

describe(`OpenID Connect provider [${TEST_DB}]`, () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD } });
    auth = `Bearer ${await adminToken(t)}`;
    const created = await request(t.url).post('/admin/users').set('Authorization', auth).send({
      username: 'ada',
      password: 'ada-password',
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => t.close());

  const createApp = async (fields: object = {}) => {
    const res = await request(t.url)
      .post('/admin/applications')
      .set('Authorization', auth)
      .send({
        client_name: 'Relying party',
        redirect_uris: [REDIRECT_URI],
        scope: 'openid profile email offline_access',
        grant_types: ['authorization_code', 'refresh_token'],
        ...fields,
      });
    expect(res.status).toBe(201);
    return res.body as { client_id: string; client_secret: string };
  };

  /** openid-client with its default OpenID Connect discovery (/.well-known/openid-configuration). */
  const discover = (app: { client_id: string; client_secret: string }) =>
    oidc.discovery(new URL(t.url), app.client_id, app.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });

  /** The code flow with PKCE and nonce, through the login and consent pages; the library validates everything. */
  async function signIn(app: { client_id: string; client_secret: string }, scope = 'openid profile email') {
    const config = await discover(app);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    });
    const redirect = await approveAuthorization(new FormBrowser(t.url), url.pathname + url.search, { username: 'ada', password: 'ada-password' });
    const tokens = await oidc.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
    return { config, tokens, nonce };
  }

  it('publishes OpenID Connect Discovery consistent with the RFC 8414 document', async () => {
    const openid = (await request(t.url).get('/.well-known/openid-configuration')).body;
    const oauth = (await request(t.url).get('/.well-known/oauth-authorization-server')).body;
    expect(openid).toEqual(oauth);
    expect(openid).toMatchObject({
      issuer: t.url,
      jwks_uri: `${t.url}/oauth2/jwks`,
      userinfo_endpoint: `${t.url}/oauth2/userinfo`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    });
  });

  it('signs a user in with openid-client: code flow with PKCE and nonce, ID Token validated by the library, userinfo claims per scope', async () => {
    const app = await createApp();
    const { config, tokens, nonce } = await signIn(app);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: t.url, aud: app.client_id, azp: app.client_id, nonce, amr: ['pwd'] });
    expect(typeof claims.auth_time).toBe('number');
    expect(typeof claims.at_hash).toBe('string');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toEqual({
      sub: claims.sub,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'ada',
      updated_at: expect.any(Number),
      email: 'ada@example.com',
      email_verified: true,
    });
  });

  it('gives userinfo only the claims of the granted scopes', async () => {
    const app = await createApp();
    const { config, tokens } = await signIn(app, 'openid email');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo).toEqual({ sub: tokens.claims()!.sub, email: 'ada@example.com', email_verified: true });
  });

  it('returns a new ID Token on refresh, for the same subject and auth_time', async () => {
    const app = await createApp();
    const { config, tokens } = await signIn(app);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.id_token).toBeDefined();
    expect(refreshed.claims()).toMatchObject({ sub: tokens.claims()!.sub, auth_time: tokens.claims()!.auth_time, aud: app.client_id });
  });

  it.each(['PS256', 'ES256', 'EdDSA'] as const)(
    'signs with the application’s id_token_signed_response_alg %s, verifiable against the remote JWKS with jose',
    async (alg) => {
      const app = await createApp({ id_token_signed_response_alg: alg });
      const { tokens } = await signIn(app);
      expect(decodeProtectedHeader(tokens.id_token!).alg).toBe(alg);
      const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${t.url}/oauth2/jwks`)), { issuer: t.url, audience: app.client_id });
      expect(payload.sub).toBe(tokens.claims()!.sub);
    },
  );

  it('issues no ID Token without the openid scope, and /me keeps its seed 003 shape then', async () => {
    const app = await createApp();
    const authorize = `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=profile`;
    const token = await signInAndRedeem(t.url, app, authorize, REDIRECT_URI, { username: 'ada', password: 'ada-password' });
    expect(token.status).toBe(200);
    expect(token.body.id_token).toBeUndefined();
    const me = await request(t.url).get('/me').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(me.body).toEqual({ sub: expect.any(String), id: expect.any(String), username: 'ada', email: 'ada@example.com', scope: 'profile' });
  });

  it('refuses an unsupported id_token_signed_response_alg with a 400 naming it', async () => {
    const res = await request(t.url)
      .post('/admin/applications')
      .set('Authorization', auth)
      .send({ client_name: 'Bad alg', id_token_signed_response_alg: 'HS256' });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('id_token_signed_response_alg must be one of RS256, PS256, ES256, EdDSA');
  });

  it('serves the JWK Set with caching headers and no private key material', async () => {
    const res = await request(t.url).get('/oauth2/jwks');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body.keys.map((k: { alg: string }) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    for (const key of res.body.keys) expect(Object.keys(key)).not.toEqual(expect.arrayContaining(['d']));
    const stored = (await t.dataSource.query('SELECT private_key FROM signing_keys')) as { private_key: string }[];
    for (const row of stored) expect(row.private_key).toMatch(/^v1\./);
  });
});
