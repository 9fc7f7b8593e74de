import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import type { HostResolver } from '../common/http/outbound-get';
import { ClientKeys, JWKS_URI_MAX_BYTES, jwksProblem, jwksUriProblem } from './client-keys';

async function keyPair(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } as JWK, full: await exportJWK(privateKey) };
}
const sign = (key: CryptoKey, kid: string) => new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid }).setIssuer('c').setExpirationTime('1m').sign(key);

describe('jwksProblem', () => {
  it('accepts a set of public keys', async () => {
    expect(jwksProblem({ keys: [(await keyPair('a')).jwk] })).toBeUndefined();
  });

  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi'])('refuses a key with the private member %s', async (member) => {
    expect(jwksProblem({ keys: [{ ...(await keyPair('a')).jwk, [member]: 'AAAA' }] })).toContain(`private member "${member}"`);
  });

  it('refuses a symmetric key (k)', () => {
    expect(jwksProblem({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })).toBeDefined();
    expect(jwksProblem({ keys: [{ kty: 'EC', k: 'c2VjcmV0' }] })).toContain('"k"');
  });

  it.each([
    null,
    [],
    {},
    { keys: [] },
    { keys: ['x'] },
    { keys: [{ kty: 'EC', kid: 1 }] },
    { keys: [{ kty: 'EC', key_ops: 5 }] },
    { keys: [{ kty: 'EC', key_ops: ['verify', 5] }] },
    { keys: [{ kty: 'EC', use: ['sig'] }] },
    { keys: [{ kty: 'EC', alg: 256 }] },
  ])('refuses %j', (value) => {
    expect(jwksProblem(value)).toBeDefined();
  });
});

describe('jwksUriProblem', () => {
  it.each(['https://rp.example/jwks', 'http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:9/jwks'])('accepts %s', (uri) => {
    expect(jwksUriProblem(uri)).toBeUndefined();
  });
  it.each(['http://rp.example/jwks', 'ftp://rp.example/jwks', 'https://rp.example/jwks#x', 'https://u:p@rp.example/jwks', 'jwks'])('refuses %s', (uri) => {
    expect(jwksUriProblem(uri)).toBeDefined();
  });
});

describe('ClientKeys', () => {
  let server: Server;
  let served: unknown;
  let fetches = 0;
  let uri: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(typeof served === 'string' ? served : JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const keys = (cooldownSeconds: string) => new ClientKeys(true, Number(cooldownSeconds));

  it('answers null for a client without keys', () => {
    expect(keys('30').keySet({ jwks: null, jwksUri: null })).toBeNull();
  });

  it('verifies with the inline set', async () => {
    const a = await keyPair('a');
    const set = keys('30').keySet({ jwks: { keys: [a.jwk] }, jwksUri: null })!;
    await expect(jwtVerify(await sign(a.privateKey, 'a'), set)).resolves.toBeDefined();
  });

  /**
   * Keys `a` and `b`, and a client whose jwks_uri serves `a` alone, verified with once (one fetch
   * counted); `query` keeps each test's URI apart in the cache.
   */
  async function servingKeyA(query: string, cooldownSeconds: string) {
    const [a, b] = [await keyPair('a'), await keyPair('b')];
    served = { keys: [a.jwk] };
    fetches = 0;
    const clientKeys = keys(cooldownSeconds);
    const client = { jwks: null, jwksUri: `${uri}?${query}` };
    await jwtVerify(await sign(a.privateKey, 'a'), clientKeys.keySet(client)!);
    return { a, b, clientKeys, client };
  }

  it('fetches jwks_uri once, and again when an unknown kid arrives (the client rotated its key)', async () => {
    const { a, b, clientKeys, client } = await servingKeyA('rotate', '0');
    await jwtVerify(await sign(a.privateKey, 'a'), clientKeys.keySet(client)!);
    expect(fetches).toBe(1);
    served = { keys: [a.jwk, b.jwk] };
    await expect(jwtVerify(await sign(b.privateKey, 'b'), clientKeys.keySet(client)!)).resolves.toBeDefined();
    expect(fetches).toBe(2);
  });

  it('does not fetch again for unknown kids within the cooldown', async () => {
    const { b, clientKeys, client } = await servingKeyA('cooldown', '30');
    for (let i = 0; i < 3; i++) await expect(jwtVerify(await sign(b.privateKey, `made-up-${i}`), clientKeys.keySet(client)!)).rejects.toThrow();
    expect(fetches).toBe(1);
  });

  it('refuses a jwks_uri answer over the size limit', async () => {
    const a = await keyPair('a');
    served = JSON.stringify({ keys: [a.jwk], padding: 'x'.repeat(JWKS_URI_MAX_BYTES) });
    const client = { jwks: null, jwksUri: `${uri}?large` };
    await expect(jwtVerify(await sign(a.privateKey, 'a'), keys('0').keySet(client)!)).rejects.toThrow(/larger than/);
  });

  it('refuses a jwks_uri whose host name resolves to a loopback address (SSRF), unless private addresses are allowed', async () => {
    const a = await keyPair('a');
    served = { keys: [a.jwk] };
    const toLoopback: HostResolver = (_hostname, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]);
    const client = { jwks: null, jwksUri: `http://keys.example.com:${new URL(uri).port}/jwks?ssrf` };
    fetches = 0;
    const strict = new ClientKeys(false, 30, toLoopback);
    await expect(jwtVerify(await sign(a.privateKey, 'a'), strict.keySet(client)!)).rejects.toThrow(/private or loopback/);
    expect(await strict.hasKey(client, async () => true)).toBe(false);
    expect(fetches).toBe(0);
    const development = new ClientKeys(true, 30, toLoopback);
    await expect(jwtVerify(await sign(a.privateKey, 'a'), development.keySet(client)!)).resolves.toBeDefined();
    expect(fetches).toBe(1);
  });

  describe('verificationKeys (node:crypto KeyObjects for client assertions)', () => {
    it('selects by kid and by the algorithm the key suits, as jose does', async () => {
      const [a, b] = [await keyPair('a'), await keyPair('b')];
      const rsa = { ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as JWK), kid: 'r' };
      const client = { jwks: { keys: [a.jwk, b.jwk, rsa] }, jwksUri: null };
      const clientKeys = keys('30');
      expect(await clientKeys.verificationKeys(client, { alg: 'ES256', kid: 'b' })).toHaveLength(1);
      expect(await clientKeys.verificationKeys(client, { alg: 'ES256' })).toHaveLength(2);
      expect(await clientKeys.verificationKeys(client, { alg: 'PS256' })).toHaveLength(1);
      expect(await clientKeys.verificationKeys(client, { alg: 'ES256', kid: 'r' })).toEqual([]);
      expect(await clientKeys.verificationKeys(client, { alg: 'EdDSA' })).toEqual([]);
    });

    it('leaves out a key registered for another alg, another use, or without verify in key_ops', async () => {
      const a = await keyPair('a');
      const clientKeys = keys('30');
      for (const jwk of [
        { ...a.jwk, alg: 'ES384' },
        { ...a.jwk, use: 'enc' },
        { ...a.jwk, key_ops: ['sign'] },
      ]) {
        expect(await clientKeys.verificationKeys({ jwks: { keys: [jwk] }, jwksUri: null }, { alg: 'ES256', kid: 'a' })).toEqual([]);
      }
    });

    it('refuses an RSA key under 2048 bits', async () => {
      const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as JWK;
      expect(await keys('30').verificationKeys({ jwks: { keys: [small] }, jwksUri: null }, { alg: 'RS256' })).toEqual([]);
    });

    it('imports each key once, even from a client row read again', async () => {
      const a = await keyPair('a');
      const clientKeys = keys('30');
      const [first] = await clientKeys.verificationKeys({ jwks: { keys: [{ ...a.jwk }] }, jwksUri: null }, { alg: 'ES256' });
      const [again] = await clientKeys.verificationKeys({ jwks: { keys: [{ ...a.jwk }] }, jwksUri: null }, { alg: 'ES256' });
      expect(again).toBe(first);
      expect(first.asymmetricKeyType).toBe('ec');
    });

    it('finds the key of a JWK object it has seen by identity, without hashing it again', async () => {
      const a = await keyPair('a');
      const clientKeys = keys('30');
      const cachedRow = { jwks: { keys: [{ ...a.jwk }] }, jwksUri: null };
      const [first] = await clientKeys.verificationKeys(cachedRow, { alg: 'ES256' });
      // The module object itself, as client-keys.ts reads createHash from it at each call.
      const hash = jest.spyOn(jest.requireActual<typeof import('node:crypto')>('node:crypto'), 'createHash');
      try {
        const [again] = await clientKeys.verificationKeys(cachedRow, { alg: 'ES256' });
        expect(again).toBe(first);
        expect(hash).not.toHaveBeenCalled();
        await clientKeys.verificationKeys({ jwks: { keys: [{ ...a.jwk }] }, jwksUri: null }, { alg: 'ES256' });
        expect(hash).toHaveBeenCalled();
      } finally {
        hash.mockRestore();
      }
    });

    it('fetches jwks_uri again for an unknown kid, once per cooldown', async () => {
      const [a, b] = [await keyPair('a'), await keyPair('b')];
      served = { keys: [a.jwk] };
      fetches = 0;
      const cooling = keys('30');
      const client = { jwks: null, jwksUri: `${uri}?verification-cooldown` };
      expect(await cooling.verificationKeys(client, { alg: 'ES256', kid: 'a' })).toHaveLength(1);
      served = { keys: [a.jwk, b.jwk] };
      for (let i = 0; i < 3; i++) expect(await cooling.verificationKeys(client, { alg: 'ES256', kid: 'b' })).toEqual([]);
      expect(fetches).toBe(1);
      const rotating = keys('0');
      const rotated = { jwks: null, jwksUri: `${uri}?verification-rotate` };
      served = { keys: [a.jwk] };
      await rotating.verificationKeys(rotated, { alg: 'ES256', kid: 'a' });
      served = { keys: [a.jwk, b.jwk] };
      expect(await rotating.verificationKeys(rotated, { alg: 'ES256', kid: 'b' })).toHaveLength(1);
      expect(fetches).toBe(3);
    });

    it('verifies with a key another client also serves with a private member (no cached failed import)', async () => {
      const b = await keyPair('b');
      const clientKeys = keys('30');
      const attacker = { jwks: { keys: [{ ...b.jwk, d: 'AA' }] }, jwksUri: null };
      expect(await clientKeys.verificationKeys(attacker, { alg: 'ES256', kid: 'b' })).toEqual([]);
      served = { keys: [{ ...b.jwk, d: 'AA' }] };
      expect(await clientKeys.verificationKeys({ jwks: null, jwksUri: `${uri}?poison` }, { alg: 'ES256', kid: 'b' })).toEqual([]);
      const [key] = await clientKeys.verificationKeys({ jwks: { keys: [b.jwk] }, jwksUri: null }, { alg: 'ES256', kid: 'b' });
      expect(key?.asymmetricKeyType).toBe('ec');
    });

    it('keeps a key apart from the same public key with other members', async () => {
      const a = await keyPair('a');
      const clientKeys = keys('30');
      const [plain] = await clientKeys.verificationKeys({ jwks: { keys: [a.jwk] }, jwksUri: null }, { alg: 'ES256' });
      const [renamed] = await clientKeys.verificationKeys({ jwks: { keys: [{ ...a.jwk, kid: 'other' }] }, jwksUri: null }, { alg: 'ES256' });
      const [reordered] = await clientKeys.verificationKeys(
        { jwks: { keys: [Object.fromEntries(Object.entries(a.jwk).reverse()) as JWK] }, jwksUri: null },
        { alg: 'ES256' },
      );
      expect(renamed).not.toBe(plain);
      expect(reordered).toBe(plain);
    });

    it('uses none of the keys of a fetched set that holds a private member', async () => {
      const [a, b] = [await keyPair('a'), await keyPair('b')];
      served = { keys: [a.jwk, { ...b.jwk, d: 'AA' }] };
      expect(await keys('0').verificationKeys({ jwks: null, jwksUri: `${uri}?private-member` }, { alg: 'ES256', kid: 'a' })).toEqual([]);
    });

    it.each([{ key_ops: 5 }, { use: 5 }, { key_ops: 'verify' }])('finds nothing, without failing, in an inline set with %j', async (member) => {
      const a = await keyPair('a');
      const clientKeys = keys('30');
      const client = { jwks: { keys: [{ ...a.jwk, ...member } as unknown as JWK] }, jwksUri: null };
      expect(await clientKeys.verificationKeys(client, { alg: 'ES256', kid: 'a' })).toEqual([]);
      expect(await clientKeys.hasKey(client, () => Promise.reject(new TypeError('malformed')))).toBe(false);
    });

    it('finds nothing, without failing, when jwks_uri cannot be fetched', async () => {
      expect(await keys('0').verificationKeys({ jwks: null, jwksUri: 'http://127.0.0.1:9/jwks' }, { alg: 'ES256' })).toEqual([]);
    });
  });
});
