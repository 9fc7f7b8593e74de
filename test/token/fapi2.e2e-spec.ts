import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { randomUUID } from 'node:crypto';
import { ADMIN_PASSWORD, adminToken } from '../support/admin';
import { escapedPem, makeCertificate, skipWithoutOpenssl } from '../support/certificates';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestUser } from '../support/factories';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { sql } from '../support/sql';
import { withNonce } from '../support/dpop-nonce';
import { discover, insecure } from '../support/oauth4webapi';

const REDIRECT = 'http://localhost/cb';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function keyPair(alg: 'ES256' | 'PS256' | 'RS256') {
  const kid = randomUUID();
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as JWK };
}
type KeyPair = Awaited<ReturnType<typeof keyPair>>;

/** A private_key_jwt client assertion (RFC 7523 §3) for the token endpoint. */
async function clientAssertion(key: KeyPair, clientId: string, audience: string): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: now, exp: now + 60 })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .sign(key.privateKey);
  return { client_assertion_type: ASSERTION_TYPE, client_assertion: assertion };
}

/** An authorization request as the profile wants it: code, redirect_uri, PKCE S256. */
async function codeRequest(clientId: string): Promise<Record<string, string>> {
  return {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: 'read',
    code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
    code_challenge_method: 'S256',
  };
}

/**
 * The FAPI 2.0 Security Profile end to end with a strict client (oauth4webapi): private_key_jwt,
 * PAR, PKCE S256, DPoP with server nonces, and every refusal the profile adds as an RFC error.
 */
describe(`FAPI 2.0 Security Profile [${TEST_DB}]`, () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let user: TestUser;
  let es: KeyPair;
  let ps: KeyPair;
  let rs: KeyPair;
  const fapiClient = async (key: KeyPair, overrides: Record<string, unknown> = {}) =>
    (
      await createClient(t, {
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [key.jwk] },
        redirectUris: [REDIRECT],
        grantTypes: ['authorization_code', 'refresh_token'],
        scope: 'openid read',
        refreshTokenRotation: 'reuse',
        idTokenSignedResponseAlg: 'PS256',
        fapiProfile: 'fapi2-security',
        ...overrides,
      })
    ).clientId;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD } });
    user = await createUser(t);
    [es, ps, rs] = await Promise.all([keyPair('ES256'), keyPair('PS256'), keyPair('RS256')]);
    as = await discover(t, 'oidc');
  });
  afterAll(() => t.close());

  async function push(client: oauth.Client, auth: oauth.ClientAuth, DPoP: oauth.DPoPHandle | undefined, extra: Record<string, string> = {}) {
    const challenge = await oauth.calculatePKCECodeChallenge((extra.verifier as string | undefined) ?? oauth.generateRandomCodeVerifier());
    const { verifier: _verifier, ...parameters } = extra;
    return withNonce(
      () =>
        oauth.pushedAuthorizationRequest(
          as,
          client,
          auth,
          { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read', code_challenge: challenge, code_challenge_method: 'S256', ...parameters },
          { ...(DPoP ? { DPoP } : {}), ...insecure },
        ),
      (response) => oauth.processPushedAuthorizationResponse(as, client, response),
    );
  }

  describe.each(['ES256', 'PS256'] as const)('private_key_jwt with %s', (alg) => {
    it('runs PAR, PKCE S256 and DPoP with a server nonce to DPoP-bound tokens, userinfo, and a refresh bound to the key and not rotated', async () => {
      const key = alg === 'ES256' ? es : ps;
      const client: oauth.Client = { client_id: await fapiClient(key), token_endpoint_auth_method: 'private_key_jwt' };
      const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
      const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const verifier = oauth.generateRandomCodeVerifier();
      const state = 's'.repeat(64);
      const nonce = 'n'.repeat(64);
      const pushed = await push(client, auth, DPoP, { verifier, state, nonce });

      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({ client_id: client.client_id, request_uri: pushed.request_uri }).toString();
      const callback = await approveAuthorization(new FormBrowser(t.url), url.toString(), user);
      // RFC 9207: oauth4webapi requires iss in the response, as the discovery document promises.
      expect(callback.searchParams.get('iss')).toBe(as.issuer);
      const params = oauth.validateAuthResponse(as, client, callback, state);
      // FAPI 2.0 §5.3.2.2: the code lives 60 s at most (the server's setting is longer).
      const [code] = await sql<{ created_at: number; expires_at: number }>(
        t.dataSource,
        'SELECT created_at, expires_at FROM authorization_codes WHERE client_id = ?',
        [client.client_id],
      );
      expect(Number(code.expires_at) - Number(code.created_at)).toBe(60);

      const tokens = await withNonce(
        () => oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, { DPoP, ...insecure }),
        (response) => oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce }),
      );
      expect(tokens.token_type).toBe('dpop');
      expect(oauth.getValidatedIdTokenClaims(tokens)!.nonce).toBe(nonce);

      const info = await withNonce(
        () => oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...insecure }),
        (response) => oauth.processUserInfoResponse(as, client, oauth.skipSubjectCheck, response),
      );
      expect(info.sub).toBe(user.id);

      // FAPI 2.0 §5.3.2.1: not rotated, but bound to the DPoP key: another key is refused.
      const other = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      await expect(
        withNonce(
          () => oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, { DPoP: other, ...insecure }),
          (response) => oauth.processRefreshTokenResponse(as, client, response),
        ),
      ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
      for (let i = 0; i < 2; i++) {
        const refreshed = await withNonce(
          () => oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, { DPoP, ...insecure }),
          (response) => oauth.processRefreshTokenResponse(as, client, response),
        );
        expect(refreshed.token_type).toBe('dpop');
        expect(refreshed.refresh_token ?? tokens.refresh_token).toBe(tokens.refresh_token);
      }
    });
  });

  describe('DPoP at the pushed authorization request endpoint (RFC 9449 §10.1)', () => {
    let client: oauth.Client;
    let auth: oauth.ClientAuth;
    beforeAll(async () => {
      client = { client_id: await fapiClient(es), token_endpoint_auth_method: 'private_key_jwt' };
      auth = oauth.PrivateKeyJwt({ key: es.privateKey, kid: es.kid });
    });

    it('asks a FAPI client for a server nonce, then answers with a fresh DPoP-Nonce (RFC 9449 §8)', async () => {
      const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const parameters = await codeRequest(client.client_id);
      const first = await oauth.pushedAuthorizationRequest(as, client, auth, parameters, { DPoP, ...insecure });
      expect(first.status).toBe(400);
      expect(first.headers.get('dpop-nonce')).toEqual(expect.any(String));
      expect(oauth.isDPoPNonceError(await oauth.processPushedAuthorizationResponse(as, client, first).catch((e: unknown) => e))).toBe(true);
      const second = await oauth.pushedAuthorizationRequest(as, client, auth, parameters, { DPoP, ...insecure });
      expect(second.status).toBe(201);
      expect(second.headers.get('dpop-nonce')).toEqual(expect.any(String));
    });

    it('binds the code to the proof key: redeemed with another key it is refused', async () => {
      const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const verifier = oauth.generateRandomCodeVerifier();
      const pushed = await push(client, auth, DPoP, { verifier });
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({ client_id: client.client_id, request_uri: pushed.request_uri }).toString();
      const params = oauth.validateAuthResponse(as, client, await approveAuthorization(new FormBrowser(t.url), url.toString(), user), oauth.expectNoState);
      const other = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      await expect(
        withNonce(
          () => oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, { DPoP: other, ...insecure }),
          (response) => oauth.processAuthorizationCodeResponse(as, client, response),
        ),
      ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
    });

    it('accepts dpop_jkt of the proof key, and refuses another one (invalid_dpop_proof)', async () => {
      const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const own = await DPoP.calculateThumbprint();
      await expect(push(client, auth, DPoP, { dpop_jkt: own })).resolves.toMatchObject({ request_uri: expect.any(String) });
      const otherJkt = await oauth.DPoP(client, await oauth.generateKeyPair('ES256')).calculateThumbprint();
      await expect(push(client, auth, DPoP, { dpop_jkt: otherJkt })).rejects.toMatchObject({ error: 'invalid_dpop_proof', status: 400 });
    });
  });

  it('refuses an authorization request that was not pushed (invalid_request, shown on the page)', async () => {
    const clientId = await fapiClient(es);
    const query = new URLSearchParams(await codeRequest(clientId));
    const response = await fetch(`${t.url}/oauth2/authorize?${query}`, { redirect: 'manual' });
    expect(response.status).toBeLessThan(500);
    const location = response.headers.get('location');
    const error = location ? new URL(location).searchParams.get('error') : (await response.text()).match(/invalid_request/)?.[0];
    expect(error).toBe('invalid_request');
  });

  it('refuses plain PKCE and a missing code_challenge at PAR (invalid_request)', async () => {
    const client: oauth.Client = { client_id: await fapiClient(es) };
    const auth = oauth.PrivateKeyJwt({ key: es.privateKey, kid: es.kid });
    for (const pkce of [{ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, {}] as Record<string, string>[]) {
      const response = await oauth.pushedAuthorizationRequest(
        as,
        client,
        auth,
        { response_type: 'code', redirect_uri: REDIRECT, scope: 'read', ...pkce },
        insecure,
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('refuses a client_secret_basic client under the profile at PAR (invalid_client)', async () => {
    const secretClient = await createClient(t, { redirectUris: [REDIRECT], scope: 'read', fapiProfile: 'fapi2-security' });
    const response = await fetch(`${t.url}/oauth2/par`, {
      method: 'POST',
      headers: { authorization: secretClient.basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ response_type: 'code', redirect_uri: REDIRECT, scope: 'read' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a token request without a DPoP proof or certificate (invalid_request)', async () => {
    const client: oauth.Client = { client_id: await fapiClient(es, { grantTypes: ['client_credentials'], redirectUris: [] }) };
    const auth = oauth.PrivateKeyJwt({ key: es.privateKey, kid: es.kid });
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'read' }, insecure);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  const tokenPost = async (key: KeyPair, clientId: string, parameters: Record<string, string>) =>
    fetch(`${t.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...parameters, ...(await clientAssertion(key, clientId, as.issuer)) }),
    });

  it('refuses an RS256 client assertion under the profile (invalid_client), and accepts it without', async () => {
    const fapi = await fapiClient(rs, { grantTypes: ['client_credentials'], redirectUris: [], idTokenSignedResponseAlg: 'ES256' });
    const refused = await tokenPost(rs, fapi, { grant_type: 'client_credentials', scope: 'read' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
    const plain = await fapiClient(rs, { grantTypes: ['client_credentials'], redirectUris: [], fapiProfile: null });
    expect((await tokenPost(rs, plain, { grant_type: 'client_credentials', scope: 'read' })).status).toBe(200);
  });

  it('refuses the password grant (unauthorized_client)', async () => {
    const clientId = await fapiClient(es, { grantTypes: ['password'], redirectUris: [] });
    const response = await tokenPost(es, clientId, { grant_type: 'password', username: user.username, password: user.password, scope: 'read' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unauthorized_client' });
  });

  it('holds clients without a profile of their own to the server default (FAPI_PROFILE)', async () => {
    const strict = await createTestApp({ database: t.database, env: { ADMIN_PASSWORD, FAPI_PROFILE: 'fapi2-security' } });
    try {
      const secretClient = await createClient(strict, { scope: 'read' });
      const response = await fetch(`${strict.url}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: secretClient.basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=read',
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
      const metadata = (await (await fetch(`${strict.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(metadata.require_pushed_authorization_requests).toBe(true);
      // The built-in admin-cli stays out of the default: the server can still be managed.
      await expect(adminToken(strict)).resolves.toEqual(expect.any(String));
    } finally {
      await strict.close({ keepDatabase: true });
    }
  });

  it('refuses an RS256 request object and one issued in the future under the profile (invalid_request_object)', async () => {
    const both = await keyPair('ES256');
    const clientId = await fapiClient(both, { jwks: { keys: [both.jwk, rs.jwk] } });
    const auth = oauth.PrivateKeyJwt({ key: both.privateKey, kid: both.kid });
    const requestObject = async (key: KeyPair, iat: number) =>
      new SignJWT({ ...(await codeRequest(clientId)), jti: randomUUID() })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'oauth-authz-req+jwt' })
        .setIssuer(clientId)
        .setAudience(as.issuer)
        .setIssuedAt(iat)
        .setNotBefore(Math.min(iat, Math.floor(Date.now() / 1000)))
        .setExpirationTime(iat + 120)
        .sign(key.privateKey);
    const pushRequest = async (request: string) => oauth.pushedAuthorizationRequest(as, { client_id: clientId }, auth, { request }, insecure);
    const now = Math.floor(Date.now() / 1000);
    for (const request of [await requestObject(rs, now), await requestObject(both, now + 61)]) {
      const response = await pushRequest(request);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request_object' });
    }
    expect((await pushRequest(await requestObject(both, now))).status).toBe(201);
  });

  describe('registration through the admin API', () => {
    let auth: string;
    beforeAll(async () => {
      auth = `Bearer ${await adminToken(t)}`;
    });
    const register = (body: Record<string, unknown>) =>
      fetch(`${t.url}/admin/applications`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'Bank',
          redirect_uris: ['https://bank.example.com/cb'],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [es.jwk] },
          fapi_profile: 'fapi2-security',
          ...body,
        }),
      });

    it('creates a conforming application with the profile defaults (reuse, PS256)', async () => {
      const response = await register({});
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ fapi_profile: 'fapi2-security', refresh_token_rotation: 'reuse', id_token_signed_response_alg: 'PS256' });
    });

    it('refuses a change that breaks the profile, and an import of such an application', async () => {
      const created = (await (await register({})).json()) as { client_id: string };
      const patch = await fetch(`${t.url}/admin/applications/${created.client_id}`, {
        method: 'PATCH',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token_rotation: 'rotate' }),
      });
      expect(patch.status).toBe(400);
      expect(JSON.stringify(await patch.json())).toContain('refresh_token_rotation');
      const imported = await fetch(`${t.url}/admin/import`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          applications: [
            {
              client_id: `fapi-${randomUUID()}`,
              client_name: 'Bank',
              redirect_uris: [REDIRECT],
              token_endpoint_auth_method: 'client_secret_basic',
              fapi_profile: 'fapi2-security',
            },
          ],
        }),
      });
      expect(imported.status).toBe(400);
      expect(JSON.stringify(await imported.json())).toContain('token_endpoint_auth_method');
    });

    it.each([
      ['token_endpoint_auth_method', { token_endpoint_auth_method: 'client_secret_basic', jwks: undefined }],
      ['grant_types', { grant_types: ['authorization_code', 'password'] }],
      ['id_token_signed_response_alg', { id_token_signed_response_alg: 'RS256' }],
      ['redirect_uris', { redirect_uris: ['http://bank.example.com/cb'] }],
      ['refresh_token_rotation', { refresh_token_rotation: 'rotate' }],
    ])('refuses %s with a 400 naming it', async (field, body) => {
      const response = await register(body);
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toContain(field);
    });
  });
});

/** The profile with mutual TLS client authentication and certificate-bound tokens (RFC 8705), through a trusted proxy's header. */
(skipWithoutOpenssl() ? describe.skip : describe)(`FAPI 2.0 Security Profile with mutual TLS [${TEST_DB}]`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { TRUST_PROXY: 'loopback', CLIENT_CERTIFICATE_HEADER: 'X-SSL-Client-Cert', CLIENT_CERTIFICATE_VERIFY_HEADER: 'X-SSL-Client-Verify' },
    });
  });
  afterAll(() => t?.close());

  /** A tls_client_auth client under the profile, with or without certificate-bound tokens. */
  const tlsClient = (subjectDn: string, certificateBound: boolean) =>
    createClient(t, {
      tokenEndpointAuthMethod: 'tls_client_auth',
      tlsClientAuthSubjectDn: subjectDn,
      tlsClientCertificateBoundAccessTokens: certificateBound,
      grantTypes: ['client_credentials'],
      redirectUris: [],
      scope: 'read',
      refreshTokenRotation: 'reuse',
      idTokenSignedResponseAlg: 'ES256',
      fapiProfile: 'fapi2-security',
    });

  it('issues certificate-bound tokens to a tls_client_auth client, and refuses it without its certificate (invalid_client)', async () => {
    const certificate = makeCertificate({ subject: '/CN=fapi-bank.example.com' });
    const client = await tlsClient('CN=fapi-bank.example.com', true);
    const token = (cert: boolean) =>
      fetch(`${t.url}/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(cert ? { 'x-ssl-client-cert': escapedPem(certificate.certificate), 'x-ssl-client-verify': 'SUCCESS' } : {}),
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', client_id: client.clientId }),
      });
    const issued = await token(true);
    expect(issued.status).toBe(200);
    const { access_token: accessToken } = (await issued.json()) as { access_token: string };
    const introspection = await fetch(`${t.url}/oauth2/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-ssl-client-cert': escapedPem(certificate.certificate),
        'x-ssl-client-verify': 'SUCCESS',
      },
      body: new URLSearchParams({ token: accessToken, client_id: client.clientId }),
    });
    expect(await introspection.json()).toMatchObject({ active: true, cnf: { 'x5t#S256': expect.any(String) } });
    const refused = await token(false);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('makes a tls_client_auth client without certificate-bound tokens send DPoP proofs (FAPI 2.0 §5.3.2.1)', async () => {
    const certificate = makeCertificate({ subject: '/CN=fapi-dpop.example.com' });
    const { clientId } = await tlsClient('CN=fapi-dpop.example.com', false);
    const as = await discover(t, 'oidc');
    const client: oauth.Client = { client_id: clientId };
    const headers = { 'x-ssl-client-cert': escapedPem(certificate.certificate), 'x-ssl-client-verify': 'SUCCESS' };
    const bearer = await oauth.clientCredentialsGrantRequest(as, client, oauth.TlsClientAuth(), { scope: 'read' }, { headers, ...insecure });
    expect(bearer.status).toBe(400);
    expect(await bearer.json()).toMatchObject({ error: 'invalid_request' });
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const tokens = await withNonce(
      () => oauth.clientCredentialsGrantRequest(as, client, oauth.TlsClientAuth(), { scope: 'read' }, { headers, DPoP, ...insecure }),
      (response) => oauth.processClientCredentialsResponse(as, client, response),
    );
    expect(tokens.token_type).toBe('dpop');
  });
});
