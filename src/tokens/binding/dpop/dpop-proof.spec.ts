import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { accessTokenHash, jwkThumbprint, normalizedHtu, type ProofExpectations, verifyProof } from './dpop-proof';

const NOW = 1_765_000_000;
const expected: ProofExpectations = { method: 'POST', url: 'https://as.example/oauth2/token', now: NOW, maxAgeSeconds: 300 };

type Keys = { privateKey: CryptoKey; jwk: JWK };
async function keys(alg: string, options: object = {}): Promise<Keys> {
  const pair = await generateKeyPair(alg, { extractable: true, ...options });
  return { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
}

async function proof(k: Keys, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, alg = 'ES256'): Promise<string> {
  return new SignJWT({ jti: 'jti-1', htm: 'POST', htu: 'https://as.example/oauth2/token', iat: NOW, ...claims })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: k.jwk, ...header })
    .sign(k.privateKey);
}

describe('DPoP proof validation (RFC 9449 §4.3)', () => {
  let es256: Keys;
  beforeAll(async () => {
    es256 = await keys('ES256');
  });

  it('accepts a valid proof of each allowed algorithm and answers the RFC 7638 thumbprint of its key', async () => {
    for (const alg of ['ES256', 'PS256', 'RS256', 'EdDSA']) {
      const k = await keys(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
      const verified = verifyProof(await proof(k, {}, {}, alg), expected);
      expect(verified).toEqual({ jkt: jwkThumbprint(k.jwk as Record<string, unknown>), jti: 'jti-1', iat: NOW });
    }
  });

  it('computes the RFC 7638 §3.1 example thumbprint', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it.each([
    ['a typ other than dpop+jwt', { header: { typ: 'JWT' } }, 'the proof typ must be dpop+jwt'],
    ['an htm of another method', { claims: { htm: 'GET' } }, 'the proof htm does not match the request method'],
    ['an htu of another URL', { claims: { htu: 'https://as.example/oauth2/userinfo' } }, 'the proof htu does not match the request URL'],
    ['an iat older than the window', { claims: { iat: NOW - 301 } }, 'the proof is too old'],
    ['an iat more than 60 s in the future', { claims: { iat: NOW + 61 } }, 'the proof iat is in the future'],
    ['no jti', { claims: { jti: undefined } }, 'the proof needs a jti'],
    ['no iat', { claims: { iat: undefined } }, 'the proof needs an iat'],
  ])('refuses %s', async (_, { header = {}, claims = {} }: { header?: object; claims?: object }, message) => {
    const value = await proof(es256, claims as Record<string, unknown>, header as Record<string, unknown>);
    expect(() => verifyProof(value, expected)).toThrow(message);
  });

  it('compares htu without query and fragment, scheme and host case-insensitively (§4.3 point 9)', async () => {
    const value = await proof(es256, { htu: 'HTTPS://AS.example:443/oauth2/token?x=1#frag' });
    expect(verifyProof(value, expected).jti).toBe('jti-1');
    expect(normalizedHtu('https://as.example/oauth2/token/')).not.toBe(normalizedHtu('https://as.example/oauth2/token'));
  });

  it('refuses a proof carrying a private key, a symmetric alg, alg none, and an algorithm outside the allowed list', async () => {
    const withPrivate = await keys('ES256');
    const privateJwk = await exportJWK(withPrivate.privateKey);
    const signedWithPrivateJwk = await proof({ ...withPrivate, jwk: privateJwk });
    expect(() => verifyProof(signedWithPrivateJwk, expected)).toThrow('the jwk must be a public key');

    const hs = await new SignJWT({ jti: 'j', htm: 'POST', htu: expected.url, iat: NOW })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: es256.jwk })
      .sign(new Uint8Array(32));
    expect(() => verifyProof(hs, expected)).toThrow('the proof alg is not allowed');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: es256.jwk })).toString('base64url')}.${Buffer.from('{}').toString('base64url')}.x`;
    expect(() => verifyProof(none, expected)).toThrow('the proof alg is not allowed');
    {
      const value = await proof(es256);
      expect(() => verifyProof(value, expected, ['PS256'])).toThrow('the proof alg is not allowed');
    }
  });

  it('refuses a signature by another key than the jwk of the header, and a key that does not suit the alg', async () => {
    const other = await keys('ES256');
    {
      const value = await proof({ privateKey: other.privateKey, jwk: es256.jwk });
      expect(() => verifyProof(value, expected)).toThrow('the proof signature does not verify');
    }
    const rsa = await keys('RS256');
    {
      const value = await proof({ privateKey: es256.privateKey, jwk: rsa.jwk });
      expect(() => verifyProof(value, expected)).toThrow('the jwk does not suit ES256');
    }
  });

  it('refuses RSA keys under 2048 bits', () => {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const value = `${part({ alg: 'RS256', typ: 'dpop+jwt', jwk })}.${part({ jti: 'j', htm: 'POST', htu: expected.url, iat: NOW })}.c2ln`;
    expect(() => verifyProof(value, expected)).toThrow('RSA keys need 2048 bits or more');
  });

  it('at a resource, requires the ath of the presented access token (§7)', async () => {
    const atResource = { ...expected, method: 'GET', url: 'https://as.example/oauth2/userinfo', accessToken: 'the-token' };
    const claims = { htm: 'GET', htu: 'https://as.example/oauth2/userinfo' };
    expect(verifyProof(await proof(es256, { ...claims, ath: accessTokenHash('the-token') }), atResource).jti).toBe('jti-1');
    {
      const value = await proof(es256, claims);
      expect(() => verifyProof(value, atResource)).toThrow('the proof ath does not match the access token');
    }
    {
      const value = await proof(es256, { ...claims, ath: accessTokenHash('another') });
      expect(() => verifyProof(value, atResource)).toThrow('the proof ath does not match');
    }
  });

  it('refuses what is not a compact JWS', () => {
    for (const value of ['', 'a.b', 'a.b.c.d', 'not a jwt at all', 'x'.repeat(9000)]) expect(() => verifyProof(value, expected)).toThrow();
  });
});
