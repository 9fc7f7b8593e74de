import { compactVerify, decodeProtectedHeader, exportJWK, importJWK, jwtVerify, SignJWT } from 'jose';
import { SIGNING_ALGORITHMS } from './signing-key.entity';
import { compactJws, generateSigningKeyPair as keyPair } from './compact-jws';

describe('compactJws', () => {
  const claims = {
    iss: 'https://issuer.example',
    sub: 'client-1',
    aud: 'https://api.example',
    iat: 1_700_000_000,
    exp: 4_000_000_000,
    jti: 'j-1',
    scope: 'read write',
  };

  it.each(SIGNING_ALGORITHMS)('%s: verifies with jose against the public JWK and carries the header and claims unchanged', async (alg) => {
    const { publicKey, privateKey } = keyPair(alg);
    const token = await compactJws(claims, { alg, kid: 'kid-1', typ: 'at+jwt' }, privateKey);
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: 'kid-1', typ: 'at+jwt' });
    const jwk = await importJWK({ ...(await exportJWK(publicKey)), alg }, alg);
    const { payload, protectedHeader } = await jwtVerify(token, jwk, { typ: 'at+jwt', issuer: claims.iss, audience: claims.aud });
    expect(payload).toEqual(claims);
    expect(protectedHeader.alg).toBe(alg);
  });

  it('has the same signing input as jose SignJWT (RS256 signatures are deterministic: the same token)', async () => {
    const { privateKey } = keyPair('RS256');
    const ours = await compactJws(claims, { alg: 'RS256', kid: 'k', typ: 'JWT' }, privateKey);
    const jose = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k', typ: 'JWT' }).sign(privateKey);
    expect(ours).toBe(jose);
  });

  it('a signature made with another key does not verify', async () => {
    const signer = keyPair('ES256');
    const other = keyPair('ES256');
    const token = await compactJws(claims, { alg: 'ES256', kid: 'k', typ: 'JWT' }, signer.privateKey);
    await expect(compactVerify(token, other.publicKey)).rejects.toThrow();
  });

  // ES256 and EdDSA are signed on the calling thread (cheaper than a hop to the pool); RSA goes to
  // the pool so that the event loop does not wait for it. A pooled signature cannot settle before
  // the microtasks queued after it.
  it.each([
    ['ES256', 'on the calling thread', true],
    ['EdDSA', 'on the calling thread', true],
    ['RS256', 'on the libuv pool', false],
    ['PS256', 'on the libuv pool', false],
  ] as const)('%s is signed %s', async (alg, _where, inline) => {
    const { privateKey } = keyPair(alg);
    let settled = false;
    const signed = compactJws(claims, { alg, kid: 'k', typ: 'JWT' }, privateKey).then(() => (settled = true));
    for (let i = 0; i < 3; i++) await Promise.resolve();
    expect(settled).toBe(inline);
    await signed;
  });
});
