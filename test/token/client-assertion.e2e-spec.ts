import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import request from 'supertest';
import { createTestApp, createTestAppPair, TestApp, type TestAppPair } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { createClient, tokenRequest } from '../support/factories';
import { type JwksServer, startJwksServer } from '../support/jwks-server';
import { discover, insecure } from '../support/oauth4webapi';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function keyPair(alg: 'ES256' | 'PS256', kid = randomUUID()) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as JWK };
}
type KeyPair = Awaited<ReturnType<typeof keyPair>>;

/** A client assertion (RFC 7523 §3), valid unless a claim is overridden. */
async function assertion(key: KeyPair, clientId: string, audience: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: now, exp: now + 60, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

describe(`private_key_jwt and client_secret_jwt at the token, introspection and revocation endpoints [${TEST_DB}]`, () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let tokenEndpoint: string;
  let es: KeyPair;
  let ps: KeyPair;
  let esClient: string;
  let psClient: string;
  let jwksServer: JwksServer;

  beforeAll(async () => {
    jwksServer = await startJwksServer();
    // The key server runs on this machine: private addresses allowed (development).
    t = await createTestApp({ env: { CLIENT_JWKS_URI_COOLDOWN_SECONDS: '0', CLIENT_JWKS_URI_ALLOW_PRIVATE: 'on' } });
    es = await keyPair('ES256');
    ps = await keyPair('PS256');
    const keyed = { tokenEndpointAuthMethod: 'private_key_jwt', grantTypes: ['client_credentials'], scope: 'read write' } as const;
    esClient = (await createClient(t, { ...keyed, jwks: { keys: [es.jwk] } })).clientId;
    psClient = (await createClient(t, { ...keyed, jwks: { keys: [ps.jwk] }, tokenEndpointAuthSigningAlg: 'PS256' })).clientId;
    as = await discover(t);
    tokenEndpoint = `${t.url}/oauth2/token`;
  });
  afterAll(async () => {
    await t.close();
    await jwksServer.close();
  });

  const clientCredentials = (fields: Record<string, string>) =>
    tokenRequest(t.url, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, ...fields });

  it('publishes the methods and their algorithms for every endpoint (RFC 8414 §2)', () => {
    for (const endpoint of ['token', 'introspection', 'revocation']) {
      expect(as[`${endpoint}_endpoint_auth_methods_supported` as 'token_endpoint_auth_methods_supported']).toEqual(
        expect.arrayContaining(['private_key_jwt', 'client_secret_jwt', 'tls_client_auth', 'self_signed_tls_client_auth']),
      );
      const algs = (as as Record<string, unknown>)[`${endpoint}_endpoint_auth_signing_alg_values_supported`];
      expect(algs).toEqual(expect.arrayContaining(['PS256', 'ES256', 'EdDSA', 'RS256', 'HS256']));
      expect(algs).not.toContain('none');
    }
  });

  it.each(['ES256', 'PS256'] as const)('issues a token to oauth4webapi authenticating with private_key_jwt (%s)', async (alg) => {
    const [clientId, key] = alg === 'ES256' ? [esClient, es] : [psClient, ps];
    const client: oauth.Client = { client_id: clientId };
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
    const token = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'read' }, insecure),
    );
    expect(token.scope).toBe('read');
  });

  it('introspects and revokes with private_key_jwt (oauth4webapi)', async () => {
    const client: oauth.Client = { client_id: esClient };
    const auth = oauth.PrivateKeyJwt({ key: es.privateKey, kid: es.kid });
    const token = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, {}, insecure));
    const active = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token.access_token, insecure));
    expect(active).toMatchObject({ active: true, client_id: esClient });
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, token.access_token, insecure));
    const inactive = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token.access_token, insecure));
    expect(inactive.active).toBe(false);
  });

  it('issues a token to openid-client authenticating with private_key_jwt', async () => {
    const config = await oidc.discovery(new URL(t.url), esClient, undefined, oidc.PrivateKeyJwt({ key: es.privateKey, kid: es.kid }), {
      execute: [oidc.allowInsecureRequests],
    });
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'write' });
    expect(tokens.scope).toBe('write');
  });

  it('issues a token with client_secret_jwt (HS256 over the secret, kept encrypted at rest)', async () => {
    const created = await createClient(t, { tokenEndpointAuthMethod: 'client_secret_jwt', grantTypes: ['client_credentials'], scope: 'read' });
    const stored = await t.dataSource.query('SELECT secret_encrypted FROM clients WHERE id = ' + (t.dataSource.options.type === 'postgres' ? '$1' : '?'), [
      created.clientId,
    ]);
    expect(stored[0].secret_encrypted).toMatch(/^v1\./);
    expect(stored[0].secret_encrypted).not.toContain(created.clientSecret);
    const client: oauth.Client = { client_id: created.clientId };
    const token = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretJwt(created.clientSecret!), {}, insecure),
    );
    expect(token.access_token).toBeDefined();
  });

  it('accepts the issuer, the token endpoint or the endpoint called as aud (RFC 7523 §3, RFC 9126 §2)', async () => {
    for (const aud of [t.url, tokenEndpoint]) {
      const res = await clientCredentials({ client_assertion: await assertion(es, esClient, aud) });
      expect(res.status).toBe(200);
    }
    // An array naming us among others: an assertion made for another server (audience injection).
    for (const aud of [[`${t.url}/elsewhere`, tokenEndpoint], [t.url]]) {
      const res = await clientCredentials({ client_assertion: await assertion(es, esClient, aud as unknown as string) });
      expect(res.status).toBe(401);
    }
    const introspected = await request(t.url)
      .post('/oauth2/introspect')
      .type('form')
      .send({ token: 'x', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(es, esClient, `${t.url}/oauth2/introspect`) });
    expect(introspected.status).toBe(200);
  });

  describe('refuses with invalid_client (401), never a 5xx', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => Promise<Record<string, string>>][] = [
      ['a wrong aud', async () => ({ client_assertion: await assertion(es, esClient, 'https://other.example') })],
      ['an expired assertion', async () => ({ client_assertion: await assertion(es, esClient, tokenEndpoint, { exp: now() - 30, iat: now() - 90 }) })],
      ['an assertion without exp', async () => ({ client_assertion: await assertion(es, esClient, tokenEndpoint, { exp: undefined }) })],
      ['an assertion valid for an hour', async () => ({ client_assertion: await assertion(es, esClient, tokenEndpoint, { exp: now() + 3600 }) })],
      ['an assertion not valid yet (nbf)', async () => ({ client_assertion: await assertion(es, esClient, tokenEndpoint, { nbf: now() + 120 }) })],
      ['an assertion issued in the future (iat)', async () => ({ client_assertion: await assertion(es, esClient, tokenEndpoint, { iat: now() + 120 }) })],
      ['an assertion without jti', async () => ({ client_assertion: await assertion(es, esClient, tokenEndpoint, { jti: undefined }) })],
      ['iss other than the client', async () => ({ client_assertion: await assertion(es, esClient, tokenEndpoint, { iss: psClient }) })],
      ['a key of another client', async () => ({ client_assertion: await assertion(ps, esClient, tokenEndpoint) })],
      [
        'an algorithm other than the registered token_endpoint_auth_signing_alg',
        async () => ({ client_assertion: await assertion(es, psClient, tokenEndpoint, {}, { kid: ps.kid }) }),
      ],
      [
        'alg none',
        async () => ({
          client_id: esClient,
          client_assertion: new UnsecuredJWT({ iss: esClient, sub: esClient, aud: tokenEndpoint, jti: randomUUID(), exp: now() + 60 }).encode(),
        }),
      ],
      [
        'HS256 against a client registered for private_key_jwt',
        async () => ({
          client_assertion: await new SignJWT({ iss: esClient, sub: esClient, aud: tokenEndpoint, jti: randomUUID(), exp: now() + 60 })
            .setProtectedHeader({ alg: 'HS256' })
            .sign(new TextEncoder().encode(JSON.stringify(es.jwk))),
        }),
      ],
      ['a malformed assertion', async () => ({ client_assertion: 'not.a.jwt' })],
      [
        'a signed request object (typ oauth-authz-req+jwt, RFC 9101 §10.8)',
        async () => ({ client_assertion: await assertion(es, esClient, t.url, {}, { typ: 'oauth-authz-req+jwt' }) }),
      ],
      [
        'a JWT carrying authorization request parameters',
        async () => ({ client_assertion: await assertion(es, esClient, t.url, { response_type: 'code', redirect_uri: 'https://app.example/cb' }) }),
      ],
      ['client_id naming another client than sub', async () => ({ client_id: psClient, client_assertion: await assertion(es, esClient, tokenEndpoint) })],
    ];
    it.each(cases)('%s', async (_name, fields) => {
      const res = await clientCredentials(await fields());
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('an unsupported client_assertion_type', async () => {
      const res = await clientCredentials({ client_assertion_type: 'urn:example:other', client_assertion: await assertion(es, esClient, tokenEndpoint) });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('a replayed jti, after one success', async () => {
      const signed = await assertion(es, esClient, tokenEndpoint);
      expect((await clientCredentials({ client_assertion: signed })).status).toBe(200);
      const replay = await clientCredentials({ client_assertion: signed });
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({ error: 'invalid_client', error_description: 'client authentication failed' });
    });
  });

  it('refuses with invalid_client, not a 5xx, a client whose stored jwks has key_ops that is not an array', async () => {
    const key = await keyPair('ES256');
    const { clientId } = await createClient(t, {
      tokenEndpointAuthMethod: 'private_key_jwt',
      grantTypes: ['client_credentials'],
      scope: 'read',
      jwks: { keys: [{ ...key.jwk, key_ops: 5 } as unknown as JWK] },
    });
    const res = await clientCredentials({ client_assertion: await assertion(key, clientId, tokenEndpoint) });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it("still verifies a client's key after another client's jwks_uri served it with a private member", async () => {
    jwksServer.keys = [{ ...es.jwk, d: 'AA' }];
    const jwksUri = jwksServer.uri('/jwks?poison');
    const { clientId } = await createClient(t, { tokenEndpointAuthMethod: 'private_key_jwt', grantTypes: ['client_credentials'], scope: 'read', jwksUri });
    const poisoned = await clientCredentials({ client_assertion: await assertion(es, clientId, tokenEndpoint) });
    expect(poisoned.status).toBe(401);
    expect((await clientCredentials({ client_assertion: await assertion(es, esClient, tokenEndpoint) })).status).toBe(200);
  });

  it('fetches jwks_uri, and again when an assertion names a kid it lacks (the client rotated its key)', async () => {
    const [first, second] = [await keyPair('ES256'), await keyPair('ES256')];
    jwksServer.keys = [first.jwk];
    jwksServer.fetches = 0;
    const jwksUri = jwksServer.uri();
    const clientId = (await createClient(t, { tokenEndpointAuthMethod: 'private_key_jwt', grantTypes: ['client_credentials'], scope: 'read', jwksUri }))
      .clientId;
    expect((await clientCredentials({ client_assertion: await assertion(first, clientId, tokenEndpoint) })).status).toBe(200);
    expect((await clientCredentials({ client_assertion: await assertion(first, clientId, tokenEndpoint) })).status).toBe(200);
    expect(jwksServer.fetches).toBe(1);
    const unknown = await clientCredentials({ client_assertion: await assertion(second, clientId, tokenEndpoint) });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    jwksServer.keys = [first.jwk, second.jwk];
    expect((await clientCredentials({ client_assertion: await assertion(second, clientId, tokenEndpoint) })).status).toBe(200);
    expect(jwksServer.fetches).toBe(3);
  });
});

describe(`a jwks_uri aimed at this network, with private addresses not allowed (the default) [${TEST_DB}]`, () => {
  let t: TestApp;
  let jwksServer: JwksServer;
  let key: KeyPair;

  beforeAll(async () => {
    key = await keyPair('ES256');
    jwksServer = await startJwksServer([key.jwk]);
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
    await jwksServer.close();
  });

  // `localhost` is a host name that the resolver turns into 127.0.0.1: refused when the socket connects.
  it.each([
    ['a host name that resolves to a loopback address', 'localhost'],
    ['a loopback address literal', '127.0.0.1'],
  ])('is never fetched for %s: the assertion is invalid_client, never a 5xx', async (_case, host) => {
    jwksServer.fetches = 0;
    const jwksUri = jwksServer.uri('/jwks', host);
    const { clientId } = await createClient(t, { tokenEndpointAuthMethod: 'private_key_jwt', grantTypes: ['client_credentials'], scope: 'read', jwksUri });
    const res = await tokenRequest(t.url, {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertion(key, clientId, `${t.url}/oauth2/token`),
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(jwksServer.fetches).toBe(0);
  });
});

describe(`a client assertion replayed on another instance [${TEST_DB}]`, () => {
  let pair: TestAppPair;
  beforeAll(async () => {
    // One issuer behind a load balancer: both instances accept assertions naming it.
    pair = await createTestAppPair({ env: { ISSUER: 'https://as.example' } });
  });
  afterAll(() => pair.close());

  it('is refused there with invalid_client: the jti is shared through the database', async () => {
    const key = await keyPair('ES256');
    const { clientId } = await createClient(pair.a, {
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [key.jwk] },
      grantTypes: ['client_credentials'],
      scope: 'read',
    });
    const send = (url: string, signed: string) =>
      tokenRequest(url, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: signed });
    const signed = await assertion(key, clientId, 'https://as.example');
    expect((await send(pair.a.url, signed)).status).toBe(200);
    const replay = await send(pair.b.url, signed);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
    // The other instance accepts a fresh one: what it refused was the replay.
    expect((await send(pair.b.url, await assertion(key, clientId, 'https://as.example'))).status).toBe(200);
  });
});
