import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { adminToken } from '../support/admin';
import { createTestDatabase, SERVER_DB, TestDatabase } from '../support/databases';
import { REDIS_URL, skipWithoutRedis } from '../support/redis';
import { approveAuthorization, FormBrowser } from '../support/form-browser';
import { ServerProcess, startServer } from '../support/server-process';

const ADMIN_PASSWORD = 'fapi-replay-admin-password';
/** One issuer behind a load balancer: assertions and DPoP proofs name it, whichever instance gets them. */
const ISSUER = 'https://as.example';
const REDIRECT = 'http://localhost/cb';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const user = { username: 'replayer', password: 'replayer-password' };

/**
 * The single-use values of FAPI 2.0 are shared by every instance (RFC 7523 §3 assertion `jti`,
 * RFC 9449 §11.1 DPoP proof `jti`, RFC 9126 §2.2 `request_uri`): two server processes on one
 * MariaDB (or PostgreSQL) database and one Redis, each value used on A and replayed on B.
 */
describe(`FAPI single-use values across two server processes on ${SERVER_DB} and Redis`, () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let clientId: string;
  let privateKey: CryptoKey;
  let proofKey: { privateKey: CryptoKey; jwk: JWK };
  let skip = false;

  beforeAll(async () => {
    skip = await skipWithoutRedis();
    if (skip) return;
    db = await createTestDatabase(SERVER_DB);
    const env = {
      ...db.env,
      ISSUER,
      REDIS_URL,
      REDIS_PREFIX: `fapi-replay-${randomUUID()}:`,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_TOKEN_PER_MINUTE: '0',
      RATE_LIMIT_AUTHORIZE_PER_MINUTE: '0',
    };
    // The first start runs the migrations on the fresh database: more than the usual 30 s on a busy machine.
    a = await startServer(env, 90_000);
    b = await startServer(env, 90_000);
    const keys = await generateKeyPair('ES256', { extractable: true });
    privateKey = keys.privateKey;
    const kid = randomUUID();
    const admin = await adminToken(a, 'admin', ADMIN_PASSWORD);
    const created = await fetch(`${a.url}/admin/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Replayed',
        grant_types: ['authorization_code', 'client_credentials'],
        redirect_uris: [REDIRECT],
        scope: 'read',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ ...(await exportJWK(keys.publicKey)), kid, alg: 'ES256' }] },
      }),
    });
    expect(created.status).toBe(201);
    clientId = ((await created.json()) as { client_id: string }).client_id;
    const userCreated = await fetch(`${a.url}/admin/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    expect(userCreated.status).toBe(201);
    const proof = await generateKeyPair('ES256', { extractable: true });
    proofKey = { privateKey: proof.privateKey, jwk: await exportJWK(proof.publicKey) };
  }, 240_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  const assertion = () => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: clientId, sub: clientId, aud: ISSUER, jti: randomUUID(), iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(privateKey);
  };
  const dpopProof = () =>
    new SignJWT({ jti: randomUUID(), htm: 'POST', htu: `${ISSUER}/oauth2/token`, iat: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: proofKey.jwk })
      .sign(proofKey.privateKey);
  const post = async (server: ServerProcess, path: string, parameters: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ client_assertion_type: ASSERTION_TYPE, ...parameters }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  const clientCredentials = (server: ServerProcess, clientAssertion: string, headers: Record<string, string> = {}) =>
    post(server, '/oauth2/token', { grant_type: 'client_credentials', scope: 'read', client_assertion: clientAssertion }, headers);

  it('refuses on B a client assertion already used on A (invalid_client)', async () => {
    if (skip) return;
    const signed = await assertion();
    expect((await clientCredentials(a, signed)).status).toBe(200);
    expect(await clientCredentials(b, signed)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refuses on B a DPoP proof already used on A (invalid_dpop_proof)', async () => {
    if (skip) return;
    const proof = await dpopProof();
    expect(await clientCredentials(a, await assertion(), { dpop: proof })).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    expect(await clientCredentials(b, await assertion(), { dpop: proof })).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
  });

  it('refuses on B a request_uri whose code was issued on A (invalid_request_uri), read on both before', async () => {
    if (skip) return;
    const pushed = await post(a, '/oauth2/par', {
      client_assertion: await assertion(),
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'read',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    expect(pushed.status).toBe(201);
    const authorizeUrl = `/oauth2/authorize?${new URLSearchParams({ client_id: clientId, request_uri: pushed.body.request_uri })}`;
    const authorize = (server: ServerProcess) => fetch(`${server.url}${authorizeUrl}`, { redirect: 'manual' });
    // Before the authorization completes, presenting it again works on either instance (RFC 9126 §4).
    expect((await authorize(b)).status).toBe(200);
    const callback = await approveAuthorization(new FormBrowser(a.url), authorizeUrl, user);
    expect(callback.searchParams.get('code')).toBeTruthy();
    const onB = await authorize(b);
    expect(onB.status).toBe(400);
    expect(onB.headers.get('location')).toBeNull();
    expect(await onB.text()).toContain('invalid_request_uri');
  });
});
