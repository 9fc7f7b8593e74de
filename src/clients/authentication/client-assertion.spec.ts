import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign as cryptoSign } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { loadConfig } from '../../config/app-config';
import { FAPI2_SECURITY } from '../fapi-profile';
import type { ReplayCache } from '../../security/replay-cache';
import type { ClientAuthenticationRequest } from './client-authentication-method';
import {
  type AssertionKey,
  CLIENT_SECRET_JWT_ALGORITHMS,
  ClientAssertionVerifier,
  JWT_BEARER_ASSERTION,
  presentAssertion,
  PRIVATE_KEY_JWT_ALGORITHMS,
} from './client-assertion';

const request = (parameters: Record<string, string>): ClientAuthenticationRequest => ({
  headers: {},
  parameters,
  endpoint: 'https://as.example/oauth2/token',
  certificate: null,
});
const hs256 = (sub: string) => new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));

describe('presentAssertion (RFC 7523 §2.2)', () => {
  it('gives each method only the assertions of its own algorithms', async () => {
    const assertion = await hs256('app');
    const parameters = { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion };
    expect(presentAssertion(request(parameters), CLIENT_SECRET_JWT_ALGORITHMS)).toMatchObject({ clientId: 'app', assertion });
    expect(presentAssertion(request(parameters), PRIVATE_KEY_JWT_ALGORITHMS)).toBeNull();
  });

  it('reads alg none as no method’s', () => {
    const assertion = new UnsecuredJWT({ sub: 'app' }).encode();
    const parameters = { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion };
    expect(presentAssertion(request(parameters), PRIVATE_KEY_JWT_ALGORITHMS)).toBeNull();
    expect(presentAssertion(request(parameters), CLIENT_SECRET_JWT_ALGORITHMS)).toBeNull();
  });

  it('ignores a request without an assertion', () => {
    expect(presentAssertion(request({ client_id: 'app' }), PRIVATE_KEY_JWT_ALGORITHMS)).toBeNull();
  });

  it.each([
    ['another assertion type', async () => ({ client_assertion_type: 'urn:x', client_assertion: await hs256('app') })],
    ['no assertion', async () => ({ client_assertion_type: JWT_BEARER_ASSERTION })],
    ['a malformed assertion', async () => ({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: 'a.b.c' })],
    ['a client_id other than sub', async () => ({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: await hs256('app'), client_id: 'other' })],
  ])('refuses %s with invalid_client', async (_name, parameters) => {
    const body = await parameters();
    expect(() => presentAssertion(request(body), CLIENT_SECRET_JWT_ALGORITHMS)).toThrow(expect.objectContaining({ code: 'invalid_client' }));
  });
});

describe('ClientAssertionVerifier.algorithmsFor', () => {
  const config = loadConfig({});
  const verifier = new ClientAssertionVerifier(config.fapiProfile, config.issuer, {} as ReplayCache);

  it('allows every offered algorithm to a client that registered none', () => {
    expect(verifier.algorithmsFor({ tokenEndpointAuthSigningAlg: null }, PRIVATE_KEY_JWT_ALGORITHMS)).toEqual(PRIVATE_KEY_JWT_ALGORITHMS);
  });

  it('allows only the registered token_endpoint_auth_signing_alg', () => {
    expect(verifier.algorithmsFor({ tokenEndpointAuthSigningAlg: 'PS256' }, PRIVATE_KEY_JWT_ALGORITHMS)).toEqual(['PS256']);
    expect(verifier.algorithmsFor({ tokenEndpointAuthSigningAlg: 'HS256' }, PRIVATE_KEY_JWT_ALGORITHMS)).toEqual([]);
  });
});

describe('ClientAssertionVerifier.verify (RFC 7523 §3, FAPI 2.0 §5.3.2.1)', () => {
  const config = loadConfig({});
  const issuer = config.issuer;
  const endpoint = 'https://as.example/oauth2/token';
  const es256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ps256 = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed25519 = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const secret = randomBytes(32);
  type Client = Parameters<ClientAssertionVerifier['verify']>[1];
  const app: Client = { id: 'app', tokenEndpointAuthSigningAlg: null, fapiProfile: null };
  const fapiApp = { ...app, fapiProfile: FAPI2_SECURITY };
  let replay: Set<string>;
  let verifier: ClientAssertionVerifier;
  // The clock is pinned to a second's start: the skew boundaries below (9 s accepted, 11 s refused) must not
  // move when a second ticks between signing and verifying on a loaded machine.
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(Math.ceil(Date.now() / 1000) * 1000);
    replay = new Set();
    const claims: Pick<ReplayCache, 'claim'> = {
      claim: async (namespace, id) => !replay.has(`${namespace}\n${id}`) && replay.add(`${namespace}\n${id}`) !== undefined,
    };
    verifier = new ClientAssertionVerifier(config.fapiProfile, issuer, claims as ReplayCache);
  });
  afterEach(() => jest.restoreAllMocks());

  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: KeyObject | Uint8Array = es256.privateKey, alg = 'ES256') =>
    new SignJWT({ iss: 'app', sub: 'app', aud: issuer, exp: now() + 60, iat: now(), jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg, ...header })
      .sign(key);
  const present = (assertion: string, algorithms = PRIVATE_KEY_JWT_ALGORITHMS) =>
    presentAssertion({ ...request({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion }), endpoint }, algorithms)!;
  const keys =
    (...candidates: KeyObject[]) =>
    async () =>
      candidates;
  const verify = (assertion: string, client: Client = app, key: AssertionKey = keys(es256.publicKey), offered = PRIVATE_KEY_JWT_ALGORITHMS) =>
    verifier.verify(present(assertion, offered), client, key, offered);

  it('accepts an ES256 assertion for the issuer, the token endpoint or the endpoint called', async () => {
    for (const aud of [issuer, `${issuer}/oauth2/token`, endpoint]) expect(await verify(await sign({ aud }))).toBe(true);
  });

  it('accepts PS256 and EdDSA with keys of their type', async () => {
    expect(await verify(await sign({}, {}, ps256.privateKey, 'PS256'), app, keys(ps256.publicKey))).toBe(true);
    expect(await verify(await sign({}, {}, ed25519.privateKey, 'EdDSA'), app, keys(ed25519.publicKey))).toBe(true);
  });

  it('tries each key that suits the header, and refuses when none verifies', async () => {
    expect(await verify(await sign({}), app, keys(other.publicKey, es256.publicKey))).toBe(true);
    expect(await verify(await sign({}), app, keys(other.publicKey))).toBe(false);
    expect(await verify(await sign({}), app, keys(ps256.publicKey))).toBe(false);
  });

  it('accepts clocks up to 10 s apart: iat and nbf 9 s ahead, exp 9 s past', async () => {
    expect(await verify(await sign({ iat: now() + 9, nbf: now() + 9 }))).toBe(true);
    expect(await verify(await sign({ exp: now() - 9 }))).toBe(true);
  });

  it.each<[string, (now: number) => Record<string, unknown>]>([
    ['another iss', () => ({ iss: 'other' })],
    ['no iss', () => ({ iss: undefined })],
    ['another aud', () => ({ aud: 'https://other.example' })],
    ['aud as an array naming this server among others', () => ({ aud: [issuer, 'https://other.example'] })],
    ['no exp', () => ({ exp: undefined })],
    ['an exp 11 s past', (t) => ({ exp: t - 11 })],
    ['an exp further than 5 minutes ahead', (t) => ({ exp: t + 400 })],
    ['an iat 11 s ahead', (t) => ({ iat: t + 11 })],
    ['an iat more than 60 s ahead', (t) => ({ iat: t + 61 })],
    ['an nbf 11 s ahead', (t) => ({ nbf: t + 11 })],
    ['an iat that is not a number', (t) => ({ iat: String(t) })],
    ['no jti', () => ({ jti: undefined })],
    ['an empty jti', () => ({ jti: '' })],
    ['the claims of a request object', () => ({ response_type: 'code', redirect_uri: 'https://rp.example/cb' })],
  ])('refuses %s', async (_name, claims) => {
    expect(await verify(await sign(claims(now())))).toBe(false);
  });

  it('refuses a sub other than the client', async () => {
    const assertion = await sign({ sub: 'other' });
    expect(await verifier.verify(present(assertion), app, keys(es256.publicKey), PRIVATE_KEY_JWT_ALGORITHMS)).toBe(false);
  });

  it('refuses a request object typed as such', async () => {
    expect(await verify(await sign({}, { typ: 'oauth-authz-req+jwt' }))).toBe(false);
  });

  it('refuses a header with crit: no extension is understood (RFC 7515 §4.1.11)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'ES256', crit: ['urn:x'], 'urn:x': 1 })}.${encode({ iss: 'app', sub: 'app', aud: issuer, exp: now() + 60, jti: 'c' })}`;
    const signature = cryptoSign('sha256', Buffer.from(input), { key: es256.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const parameters = { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: `${input}.${signature}` };
    expect(() => presentAssertion(request(parameters), PRIVATE_KEY_JWT_ALGORITHMS)).toThrow(expect.objectContaining({ code: 'invalid_client' }));
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await sign({})).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: 'app', sub: 'app', aud: issuer, exp: now() + 60, jti: 'x' })).toString('base64url');
    expect(await verify(`${header}.${forged}.${signature}`)).toBe(false);
  });

  it('refuses a replayed jti, until it expires', async () => {
    const assertion = await sign({});
    expect(await verify(assertion)).toBe(true);
    expect(await verify(assertion)).toBe(false);
  });

  it('spends the jti only of an otherwise valid assertion', async () => {
    const jti = randomUUID();
    expect(await verify(await sign({ jti, aud: 'https://other.example' }))).toBe(false);
    expect(await verify(await sign({ jti }))).toBe(true);
  });

  it('refuses every algorithm for a client without keys (an unknown client)', async () => {
    expect(await verify(await sign({}), app, null)).toBe(false);
  });

  it('refuses an algorithm other than the registered token_endpoint_auth_signing_alg', async () => {
    expect(await verify(await sign({}), { ...app, tokenEndpointAuthSigningAlg: 'PS256' })).toBe(false);
  });

  it('refuses RS256 under the FAPI 2.0 profile, and accepts it otherwise', async () => {
    const assertion = () => sign({}, {}, ps256.privateKey, 'RS256');
    expect(await verify(await assertion(), app, keys(ps256.publicKey))).toBe(true);
    expect(await verify(await assertion(), fapiApp, keys(ps256.publicKey))).toBe(false);
  });

  it('looks up no key for an algorithm it refuses (no jwks_uri fetched for it)', async () => {
    let lookups = 0;
    const counted: AssertionKey = async () => {
      lookups += 1;
      return [ps256.publicKey];
    };
    expect(await verify(await sign({}, {}, ps256.privateKey, 'RS256'), fapiApp, counted)).toBe(false);
    expect(lookups).toBe(0);
    expect(await verify(await sign({}, {}, ps256.privateKey, 'PS256'), fapiApp, counted)).toBe(true);
    expect(lookups).toBe(1);
  });

  it('refuses HMAC for a client with public keys, even keyed with its public key (RFC 8725 §3.1)', async () => {
    const publicBytes = es256.publicKey.export({ format: 'der', type: 'spki' });
    const hmac = await sign({}, {}, publicBytes, 'HS256');
    expect(presentAssertion(request({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: hmac }), PRIVATE_KEY_JWT_ALGORITHMS)).toBeNull();
    expect(await verifier.verify(present(hmac, CLIENT_SECRET_JWT_ALGORITHMS), app, keys(es256.publicKey), PRIVATE_KEY_JWT_ALGORITHMS)).toBe(false);
    expect(await verifier.verify(present(hmac, CLIENT_SECRET_JWT_ALGORITHMS), app, keys(es256.publicKey), CLIENT_SECRET_JWT_ALGORITHMS)).toBe(false);
  });

  describe('client_secret_jwt', () => {
    const hmac = (claims: Record<string, unknown> = {}, key: Uint8Array = secret, alg = 'HS256') => sign(claims, {}, key, alg);
    const verifyHmac = async (assertion: string, key: Uint8Array, client = app) =>
      verifier.verify(present(assertion, CLIENT_SECRET_JWT_ALGORITHMS), client, key, CLIENT_SECRET_JWT_ALGORITHMS);

    it('accepts an HS256 assertion keyed with the client secret', async () => {
      expect(await verifyHmac(await hmac(), secret)).toBe(true);
    });

    it('refuses another secret, and a secret shorter than the hash (RFC 7518 §3.2)', async () => {
      expect(await verifyHmac(await hmac(), randomBytes(32))).toBe(false);
      const short = randomBytes(16);
      expect(await verifyHmac(await hmac({}, short), short)).toBe(false);
      expect(await verifyHmac(await hmac({}, secret, 'HS512'), secret)).toBe(false);
    });

    it('refuses it under the FAPI 2.0 profile (no HMAC)', async () => {
      expect(await verifyHmac(await hmac(), secret, fapiApp)).toBe(false);
    });

    it('refuses an asymmetric assertion verified with the secret', async () => {
      expect(await verifier.verify(present(await sign({})), app, secret, PRIVATE_KEY_JWT_ALGORITHMS)).toBe(false);
    });
  });
});
