import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import * as oauth from 'oauth4webapi';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, createUser, TestClient, TestUser } from '../support/factories';
import { approveAuthorization, FormBrowser, parseForm } from '../support/form-browser';
import { discover, insecure } from '../support/oauth4webapi';
import { ADMIN_PASSWORD, adminApi } from '../support/admin';

const REDIRECT = 'http://localhost/cb';

describe(`signed request objects (RFC 9101) [${TEST_DB}]`, () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let keyed: TestClient;
  let signedOnly: TestClient;
  let user: TestUser;
  let es256: CryptoKey;
  let ps256: CryptoKey;
  let stranger: CryptoKey;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_PASSWORD } });
    const es = await generateKeyPair('ES256');
    const ps = await generateKeyPair('PS256');
    es256 = es.privateKey;
    ps256 = ps.privateKey;
    stranger = (await generateKeyPair('ES256')).privateKey;
    const jwks = {
      keys: [
        { ...(await exportJWK(es.publicKey)), kid: 'es', alg: 'ES256' },
        { ...(await exportJWK(ps.publicKey)), kid: 'ps', alg: 'PS256' },
      ],
    };
    keyed = await createClient(t, { redirectUris: [REDIRECT, 'http://localhost/other'], scope: 'openid read write', jwks });
    signedOnly = await createClient(t, { redirectUris: [REDIRECT], scope: 'openid read', jwks, requireSignedRequestObject: true });
    user = await createUser(t);
    as = await discover(t);
  });
  afterAll(() => t.close());

  const pkce = async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) };
  };

  /** A request object as a careful client writes it; `claims` override or (undefined) remove members. */
  async function requestObject(clientId: string, claims: Record<string, unknown> = {}, key: CryptoKey = es256, alg = 'ES256', kid = 'es'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: clientId,
      aud: t.url,
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'read',
      state: 'signed-state',
      code_challenge: (await pkce()).challenge,
      code_challenge_method: 'S256',
      jti: randomUUID(),
      iat: now,
      nbf: now,
      exp: now + 60,
      ...claims,
    };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg, kid, typ: 'oauth-authz-req+jwt' }).sign(key);
  }

  const authorizeWith = (clientId: string, jwt: string, extra = '') =>
    `/oauth2/authorize?client_id=${encodeURIComponent(clientId)}&request=${encodeURIComponent(jwt)}${extra}`;

  it('advertises request objects and their algorithms, asymmetric only', () => {
    expect(as.request_parameter_supported).toBe(true);
    expect(as.request_object_signing_alg_values_supported).toEqual(['PS256', 'ES256', 'EdDSA', 'RS256']);
  });

  /** Opens the authorization endpoint with client_id and `query`, signs in, consents and redeems the code (oauth4webapi). */
  async function signInAndRedeem(
    client: oauth.Client,
    auth: oauth.ClientAuth,
    query: Record<string, string>,
    verifier: string,
    state: string | typeof oauth.expectNoState,
  ) {
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: client.client_id, ...query }).toString();
    const callback = await approveAuthorization(new FormBrowser(t.url), url.toString(), user);
    const params = oauth.validateAuthResponse(as, client, callback, state);
    return oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, insecure),
    );
  }

  it('runs oauth4webapi: a request object signed with ES256, sign-in, consent, code, tokens', async () => {
    const client: oauth.Client = { client_id: keyed.clientId };
    const auth = oauth.ClientSecretBasic(keyed.clientSecret!);
    const { verifier, challenge } = await pkce();
    const state = oauth.generateRandomState();
    const jwt = await oauth.issueRequestObject(
      as,
      client,
      { response_type: 'code', redirect_uri: REDIRECT, scope: 'read write', state, code_challenge: challenge, code_challenge_method: 'S256' },
      { key: es256, kid: 'es' },
    );
    const tokens = await signInAndRedeem(client, auth, { request: jwt }, verifier, state);
    expect(tokens.scope).toBe('read write');
  });

  it('runs a PS256 request object pushed (RFC 9126 §3) through oauth4webapi', async () => {
    const client: oauth.Client = { client_id: keyed.clientId };
    const auth = oauth.ClientSecretBasic(keyed.clientSecret!);
    const { verifier, challenge } = await pkce();
    const jwt = await oauth.issueRequestObject(
      as,
      client,
      { response_type: 'code', redirect_uri: REDIRECT, scope: 'read', code_challenge: challenge, code_challenge_method: 'S256' },
      { key: ps256, kid: 'ps' },
    );
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(as, client, auth, { request: jwt }, insecure),
    );
    const tokens = await signInAndRedeem(client, auth, { request_uri: pushed.request_uri }, verifier, oauth.expectNoState);
    expect(tokens.scope).toBe('read');
  });

  it('takes the parameters only from the object, ignoring those beside it (§6.3)', async () => {
    const jwt = await requestObject(keyed.clientId);
    const res = await request(t.url).get(
      authorizeWith(keyed.clientId, jwt, '&prompt=none&scope=write&state=forged&redirect_uri=http%3A%2F%2Flocalhost%2Fother'),
    );
    expect(res.status).toBe(200); // the sign-in page: prompt=none was not in the object
    expect(parseForm(res.text).fields).toMatchObject({ redirect_uri: REDIRECT, scope: 'read', state: 'signed-state' });
  });

  it.each<[string, () => Promise<string>]>([
    ['a wrong aud', () => requestObject(keyed.clientId, { aud: 'https://elsewhere.example' })],
    ['another iss', () => requestObject(keyed.clientId, { iss: 'someone-else' })],
    ['an expired object', () => requestObject(keyed.clientId, { iat: 1_700_000_000, nbf: 1_700_000_000, exp: 1_700_000_060 })],
    ['no exp', () => requestObject(keyed.clientId, { exp: undefined })],
    ['no jti', () => requestObject(keyed.clientId, { jti: undefined })],
    ['an nbf in the future', () => requestObject(keyed.clientId, { nbf: Math.floor(Date.now() / 1000) + 120, exp: Math.floor(Date.now() / 1000) + 180 })],
    ['a lifetime over 60 minutes', () => requestObject(keyed.clientId, { exp: Math.floor(Date.now() / 1000) + 7200 })],
    ['a client_id inside that differs', () => requestObject(keyed.clientId, { client_id: signedOnly.clientId })],
    ['a key the client did not register', () => requestObject(keyed.clientId, {}, stranger)],
    ['HS256 (a symmetric key)', () => requestObject(keyed.clientId, {}, new Uint8Array(32).fill(7) as unknown as CryptoKey, 'HS256')],
    ['a request_uri inside', () => requestObject(keyed.clientId, { request_uri: 'urn:ietf:params:oauth:request_uri:x' })],
    ['garbage', () => Promise.resolve('not.a.jwt')],
  ])('refuses %s with invalid_request_object, on an error page', async (_name, make) => {
    const res = await request(t.url).get(authorizeWith(keyed.clientId, await make()));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('invalid_request_object');
  });

  it('refuses a request object used twice (jti in the replay cache)', async () => {
    const jwt = await requestObject(keyed.clientId);
    expect((await request(t.url).get(authorizeWith(keyed.clientId, jwt))).status).toBe(200);
    const again = await request(t.url).get(authorizeWith(keyed.clientId, jwt));
    expect(again.status).toBe(400);
    expect(again.text).toContain('invalid_request_object');
  });

  it('refuses an unsigned request object (alg none) with request_not_supported at the redirect URI', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ response_type: 'code' })).toString('base64url')}.`;
    const res = await request(t.url).get(authorizeWith(keyed.clientId, unsigned, `&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&state=u`));
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location).searchParams.get('error')).toBe('request_not_supported');
  });

  it('refuses a request object from a client without registered keys', async () => {
    const keyless = await createClient(t, { redirectUris: [REDIRECT], scope: 'read' });
    const res = await request(t.url).get(authorizeWith(keyless.clientId, await requestObject(keyless.clientId)));
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid_request_object');
  });

  describe('require_signed_request_object', () => {
    const plain = (clientId: string) =>
      `/oauth2/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=read&state=p`;

    it('refuses a plain request (invalid_request at the redirect URI) and a plain pushed one', async () => {
      const res = await request(t.url).get(plain(signedOnly.clientId));
      expect(res.status).toBe(302);
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_request');
      const pushed = await request(t.url)
        .post('/oauth2/par')
        .set('Authorization', signedOnly.basic)
        .type('form')
        .send({ response_type: 'code', redirect_uri: REDIRECT, scope: 'read', code_challenge: (await pkce()).challenge, code_challenge_method: 'S256' });
      expect(pushed.status).toBe(400);
      expect(pushed.body.error).toBe('invalid_request');
    });

    it('lets a signed request through sign-in and consent (sealed forms), and refuses the form altered', async () => {
      const browser = new FormBrowser(t.url);
      const login = await browser.get(authorizeWith(signedOnly.clientId, await requestObject(signedOnly.clientId, { scope: 'openid read' })));
      expect(login.status).toBe(200);
      const form = parseForm(login.body);
      const altered = await browser.post(form.action, { ...form.fields, scope: 'read', username: user.username, password: user.password });
      expect(altered.status).toBe(400);
      const consent = await browser.submit(login, { username: user.username, password: user.password });
      expect(consent.body).toContain('value="approve"');
      const approved = await browser.submit(consent, { action: 'approve' });
      expect(approved.status).toBe(302);
      expect(new URL(approved.location!).searchParams.get('state')).toBe('signed-state');
    });

    it('is set and read back through the admin API', async () => {
      const admin = await adminApi(t);
      const created = await admin.post('/admin/applications', { client_name: 'JAR only', redirect_uris: [REDIRECT], require_signed_request_object: true });
      expect(created.status).toBe(201);
      expect(created.body.require_signed_request_object).toBe(true);
      const patched = await admin.patch(`/admin/applications/${created.body.client_id}`, { require_signed_request_object: false });
      expect(patched.body.require_signed_request_object).toBe(false);
      expect((await admin.post('/admin/applications', { client_name: 'x', require_signed_request_object: 'yes' })).status).toBe(400);
    });
  });
});
