import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { createHash, randomUUID } from 'node:crypto';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClientAndUser, createClient, TestClient, TestUser } from '../support/factories';
import { approveCodeRequest, discover, insecure } from '../support/oauth4webapi';

interface ProofKey {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function proofKey(): Promise<ProofKey> {
  const pair = await generateKeyPair('ES256', { extractable: true });
  return { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
}

/** A DPoP proof (RFC 9449 §4.2) as a strict client writes it, with any claim overridden. */
function proof(key: ProofKey, htm: string, htu: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ jti: randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
    .sign(key.privateKey);
}

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

/** RFC 9449: DPoP-bound tokens, end to end, with a strict client library (oauth4webapi) and raw requests. */
describe(`DPoP (RFC 9449) [${TEST_DB}]`, () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let confidential: TestClient;
  let user: TestUser;
  let tokenUrl: string;
  let userinfoUrl: string;

  beforeAll(async () => {
    ({ t, client: confidential, user } = await appWithClientAndUser({ scope: 'read write openid', accessTokenFormat: 'jwt' }));
    as = await discover(t);
    tokenUrl = `${t.url}/oauth2/token`;
    userinfoUrl = `${t.url}/oauth2/userinfo`;
  });
  afterAll(() => t.close());

  /** client_credentials for the confidential client with a raw DPoP header value. */
  const tokenRequest = (dpop: string | undefined, client: TestClient = confidential, body = 'grant_type=client_credentials&scope=read') =>
    fetch(tokenUrl, {
      method: 'POST',
      headers: { authorization: client.basic, 'content-type': 'application/x-www-form-urlencoded', ...(dpop ? { dpop } : {}) },
      body,
    });

  it('publishes the proof algorithms and certificate-bound token support (RFC 9449 §5.1, RFC 8705 §3.3)', () => {
    expect(as.dpop_signing_alg_values_supported).toEqual(['ES256', 'PS256', 'EdDSA', 'RS256']);
    expect(as.tls_client_certificate_bound_access_tokens).toBe(true);
  });

  it('issues a DPoP-bound JWT access token to client_credentials with oauth4webapi, with cnf.jkt in the token and in introspection', async () => {
    const client: oauth.Client = { client_id: confidential.clientId };
    const auth = oauth.ClientSecretBasic(confidential.clientSecret!);
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(client, keyPair);
    const token = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'read' }, { DPoP, ...insecure }),
    );
    expect(token.token_type).toBe('dpop');
    const jkt = await DPoP.calculateThumbprint();
    const payload = JSON.parse(Buffer.from(token.access_token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(payload.cnf).toEqual({ jkt });

    const introspection = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, token.access_token, insecure),
    );
    expect(introspection).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt } });
  });

  it('keeps bearer tokens for a request without a proof, paying nothing for DPoP', async () => {
    const response = await tokenRequest(undefined);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer' });
  });

  it('runs authorization code with dpop_jkt, userinfo with a proof, and refresh bound to the key for a public client', async () => {
    const spa = await createClient(t, { tokenEndpointAuthMethod: 'none', redirectUris: ['http://localhost/cb'], scope: 'openid read' });
    const client: oauth.Client = { client_id: spa.clientId, token_endpoint_auth_method: 'none' };
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(client, keyPair);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const codeRequest = {
      client_id: spa.clientId,
      redirect_uri: 'http://localhost/cb',
      scope: 'openid read',
      state,
      dpop_jkt: await DPoP.calculateThumbprint(),
    };
    const callback = await approveCodeRequest(as, t.url, codeRequest, verifier, user);
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, 'http://localhost/cb', verifier, { DPoP, ...insecure }),
    );
    expect(tokens.token_type).toBe('dpop');

    const info = await oauth.processUserInfoResponse(
      as,
      client,
      oauth.skipSubjectCheck,
      await oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...insecure }),
    );
    expect(info.sub).toBe(user.id);

    // RFC 9449 §5: the public client's refresh token needs a proof of the same key.
    const otherKey = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    for (const options of [{ DPoP: otherKey }, {}]) {
      const refused = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, { ...options, ...insecure });
      await expect(oauth.processRefreshTokenResponse(as, client, refused)).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
    }
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, { DPoP, ...insecure }),
    );
    expect(refreshed.token_type).toBe('dpop');
  });

  it('refuses a code requested with dpop_jkt when the token request proves another key', async () => {
    const spa = await createClient(t, { tokenEndpointAuthMethod: 'none', redirectUris: ['http://localhost/cb'], scope: 'read' });
    const client: oauth.Client = { client_id: spa.clientId, token_endpoint_auth_method: 'none' };
    const bound = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const other = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const verifier = oauth.generateRandomCodeVerifier();
    const codeRequest = { client_id: spa.clientId, redirect_uri: 'http://localhost/cb', scope: 'read', dpop_jkt: await bound.calculateThumbprint() };
    const callback = await approveCodeRequest(as, t.url, codeRequest, verifier, user);
    const params = oauth.validateAuthResponse(as, client, callback, oauth.expectNoState);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, 'http://localhost/cb', verifier, { DPoP: other, ...insecure });
    await expect(oauth.processAuthorizationCodeResponse(as, client, response)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('requires a proof from a client registered with dpop_bound_access_tokens (invalid_dpop_proof)', async () => {
    const forced = await createClient(t, { scope: 'read', dpopBoundAccessTokens: true });
    const response = await tokenRequest(undefined, forced);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    expect((await tokenRequest(await proof(await proofKey(), 'POST', tokenUrl), forced)).status).toBe(200);
  });

  it.each<[string, 'replay' | Record<string, unknown>]>([
    ['a replayed proof (same jti)', 'replay'],
    ['a proof for another method (htm)', { htm: 'GET' }],
    ['a proof for another URL (htu)', { htu: 'http://127.0.0.1:1/oauth2/token' }],
    ['a stale proof (iat)', { iat: Math.floor(Date.now() / 1000) - 3600 }],
    ['a proof from the future (iat)', { iat: Math.floor(Date.now() / 1000) + 3600 }],
  ])('refuses %s at the token endpoint with 400 invalid_dpop_proof', async (_, variant) => {
    const key = await proofKey();
    let value: string;
    if (variant === 'replay') {
      value = await proof(key, 'POST', tokenUrl);
      expect((await tokenRequest(value)).status).toBe(200);
    } else {
      value = await proof(key, 'POST', tokenUrl, variant);
    }
    const response = await tokenRequest(value);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  describe('at a protected route (userinfo)', () => {
    let key: ProofKey;
    let accessToken: string;
    beforeAll(async () => {
      key = await proofKey();
      const password = new URLSearchParams({ grant_type: 'password', scope: 'openid', username: user.username, password: user.password });
      const response = await tokenRequest(await proof(key, 'POST', tokenUrl), confidential, password.toString());
      accessToken = ((await response.json()) as { access_token: string }).access_token;
    });

    const userinfo = (authorization: string, dpop?: string) => fetch(userinfoUrl, { headers: { authorization, ...(dpop ? { dpop } : {}) } });

    it('accepts the DPoP scheme with a proof of the bound key and the token hash', async () => {
      const response = await userinfo(`DPoP ${accessToken}`, await proof(key, 'GET', userinfoUrl, { ath: ath(accessToken) }));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ sub: user.id });
    });

    it('refuses the bound token presented as a Bearer token (RFC 9449 §7.2)', async () => {
      const response = await userinfo(`Bearer ${accessToken}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^DPoP realm="oauth2", error="invalid_token".*algs="ES256 PS256 EdDSA RS256"$/);
    });

    it.each([
      ['without a proof', async () => undefined],
      ['with a proof of another key', async () => proof(await proofKey(), 'GET', userinfoUrl, { ath: 'x' })],
      ['with a proof without ath', async () => proof(key, 'GET', userinfoUrl)],
      ['with a proof for the token endpoint', async () => proof(key, 'POST', tokenUrl, { ath: ath(accessToken) })],
    ])('refuses the DPoP scheme %s with 401 invalid_dpop_proof', async (_, make) => {
      const response = await userinfo(`DPoP ${accessToken}`, await make());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^DPoP realm="oauth2", error="invalid_dpop_proof"/);
      expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    });

    it('refuses a replayed proof at the resource', async () => {
      const value = await proof(key, 'GET', userinfoUrl, { ath: ath(accessToken) });
      expect((await userinfo(`DPoP ${accessToken}`, value)).status).toBe(200);
      const replayed = await userinfo(`DPoP ${accessToken}`, value);
      expect(replayed.status).toBe(401);
      expect(await replayed.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    });

    it('refuses a bearer token presented with the DPoP scheme', async () => {
      const bearer = ((await (await tokenRequest(undefined)).json()) as { access_token: string }).access_token;
      const response = await userinfo(`DPoP ${bearer}`, await proof(key, 'GET', userinfoUrl, { ath: ath(bearer) }));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^DPoP realm="oauth2", error="invalid_token"/);
    });
  });
});

describe(`DPoP server nonces (RFC 9449 §8, §9) [${TEST_DB}]`, () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let confidential: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    ({ t, client: confidential, user } = await appWithClientAndUser({ scope: 'openid read' }, {}, { DPOP_NONCE_REQUIRED: 'true' }));
    as = await discover(t);
  });
  afterAll(() => t.close());

  it('answers a proof without a nonce with 400 use_dpop_nonce and a DPoP-Nonce, and oauth4webapi retries with it', async () => {
    const client: oauth.Client = { client_id: confidential.clientId };
    const auth = oauth.ClientSecretBasic(confidential.clientSecret!);
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const request = () => oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'read' }, { DPoP, ...insecure });
    const first = await request();
    expect(first.status).toBe(400);
    expect(first.headers.get('dpop-nonce')).toEqual(expect.any(String));
    const error = await oauth.processClientCredentialsResponse(as, client, first).catch((e: unknown) => e);
    expect(oauth.isDPoPNonceError(error)).toBe(true);
    const token = await oauth.processClientCredentialsResponse(as, client, await request());
    expect(token.token_type).toBe('dpop');
  });

  it('answers a resource request whose proof lacks the nonce with 401 use_dpop_nonce, a DPoP challenge and a fresh DPoP-Nonce', async () => {
    const key = await proofKey();
    const tokenUrl = `${t.url}/oauth2/token`;
    const nonceOf = async (response: Response) => response.headers.get('dpop-nonce')!;
    const tokenRequest = (dpop: string) =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: { authorization: confidential.basic, 'content-type': 'application/x-www-form-urlencoded', dpop },
        body: 'grant_type=password&scope=openid&username=' + encodeURIComponent(user.username) + '&password=' + encodeURIComponent(user.password),
      });
    const nonce = await nonceOf(await tokenRequest(await proof(key, 'POST', tokenUrl)));
    const issued = await tokenRequest(await proof(key, 'POST', tokenUrl, { nonce }));
    expect(issued.status).toBe(200);
    const { access_token: accessToken } = (await issued.json()) as { access_token: string };

    const userinfoUrl = `${t.url}/oauth2/userinfo`;
    const refused = await fetch(userinfoUrl, {
      headers: { authorization: `DPoP ${accessToken}`, dpop: await proof(key, 'GET', userinfoUrl, { ath: ath(accessToken) }) },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^DPoP realm="oauth2", error="use_dpop_nonce"/);
    const fresh = await nonceOf(refused);
    expect(fresh).toEqual(expect.any(String));
    const stale = await fetch(userinfoUrl, {
      headers: { authorization: `DPoP ${accessToken}`, dpop: await proof(key, 'GET', userinfoUrl, { ath: ath(accessToken), nonce: 'an-old-nonce' }) },
    });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ error: 'use_dpop_nonce' });

    const info = await fetch(userinfoUrl, {
      headers: { authorization: `DPoP ${accessToken}`, dpop: await proof(key, 'GET', userinfoUrl, { ath: ath(accessToken), nonce: fresh }) },
    });
    expect(info.status).toBe(200);
    expect(((await info.json()) as { sub: string }).sub).toBe(user.id);
  });

  it('serves openid-client with DPoP: it retries with the nonce by itself, at the token endpoint and at userinfo', async () => {
    const config = await oidc.discovery(new URL(t.url), confidential.clientId, confidential.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    const tokens = await oidc.genericGrantRequest(config, 'password', { username: user.username, password: user.password, scope: 'openid' }, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id, { DPoP });
    expect(info.sub).toBe(user.id);
  });
});
