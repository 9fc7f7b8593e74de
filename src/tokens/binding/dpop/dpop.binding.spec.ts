import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { OAuthError } from '../../../common/oauth/oauth-error';
import { nowSeconds } from '../../../common/time';
import type { SigningKeysService } from '../../../keys/signing-keys.service';
import { aClient } from '../../grants/testing/in-memory';
import type { BindingRequest } from '../token-binding';
import { DpopBinding, type ProofReplayCache } from './dpop.binding';
import { DpopNonces } from './dpop-nonces';
import { accessTokenHash, jwkThumbprint } from './dpop-proof';

const TOKEN_URL = 'https://as.example/oauth2/token';
const SECRET = Buffer.alloc(32, 7);

/** The replay cache's contract, in memory: true the first time an id is claimed. */
class InMemoryReplayCache implements ProofReplayCache {
  readonly claimed = new Map<string, number>();
  async claim(namespace: string, id: string, expiresAt: number): Promise<boolean> {
    const key = `${namespace}\n${id}`;
    if (this.claimed.has(key)) return false;
    this.claimed.set(key, expiresAt);
    return true;
  }
}

function binding(nonceRequired = false) {
  const keys = { derivedKey: () => SECRET } as unknown as SigningKeysService;
  const replays = new InMemoryReplayCache();
  return { replays, subject: new DpopBinding({ nonceRequired, nonceRotationSeconds: 300, proofMaxAgeSeconds: 300 }, null, keys, replays) };
}

function request(proof: string | undefined, method = 'POST', url = TOKEN_URL): BindingRequest {
  return { method, url, headers: proof === undefined ? {} : { dpop: proof }, clientCertificate: () => null };
}

let counter = 0;
async function proof(key: { privateKey: CryptoKey; jwk: JWK }, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ jti: `jti-${++counter}`, htm: 'POST', htu: TOKEN_URL, iat: nowSeconds(), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
    .sign(key.privateKey);
}

describe('DpopBinding (RFC 9449)', () => {
  let key: { privateKey: CryptoKey; jwk: JWK };
  let jkt: string;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    key = { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
    jkt = jwkThumbprint(key.jwk as Record<string, unknown>);
  });

  it('binds a token request with a valid proof to its key, and leaves one without a proof unbound', async () => {
    const { subject } = binding();
    await expect(subject.confirm(request(await proof(key)), aClient())).resolves.toBe(jkt);
    await expect(subject.confirm(request(undefined), aClient())).resolves.toBeNull();
  });

  it('requires a proof from a client registered with dpop_bound_access_tokens (§5.2)', async () => {
    await expect(binding().subject.confirm(request(undefined), aClient({ dpopBoundAccessTokens: true }))).rejects.toMatchObject({
      code: 'invalid_dpop_proof',
      status: 400,
    });
  });

  it('refuses a replayed proof (same jti) with invalid_dpop_proof, remembering it past iat plus the window (§11.1)', async () => {
    const { subject, replays } = binding();
    const iat = nowSeconds();
    const value = await proof(key, { iat });
    await subject.confirm(request(value), aClient());
    await expect(subject.confirm(request(value), aClient())).rejects.toMatchObject({
      code: 'invalid_dpop_proof',
      description: 'the DPoP proof was already used',
    });
    const [expiresAt] = replays.claimed.values();
    // verifyProof still accepts iat == now - 300; the entry must outlive that second.
    expect(expiresAt).toBe(iat + 300 + 1);
  });

  it('asks for a nonce with use_dpop_nonce and a DPoP-Nonce header when nonces are required, then accepts it (§8)', async () => {
    const { subject } = binding(true);
    const refused = await subject.confirm(request(await proof(key)), aClient()).catch((error: OAuthError) => error);
    expect(refused).toMatchObject({ code: 'use_dpop_nonce', status: 400 });
    const nonce = (refused as OAuthError).headers!['DPoP-Nonce'];
    expect(nonce).toEqual(expect.any(String));
    await expect(subject.confirm(request(await proof(key, { nonce })), aClient())).resolves.toBe(jkt);
    await expect(subject.confirm(request(await proof(key, { nonce: 'made-up' })), aClient())).rejects.toMatchObject({ code: 'use_dpop_nonce' });
  });

  it('does not spend the jti of a proof refused for its nonce, so that nothing else is lost', async () => {
    const { subject, replays } = binding(true);
    await expect(subject.confirm(request(await proof(key)), aClient())).rejects.toMatchObject({ code: 'use_dpop_nonce' });
    expect(replays.claimed.size).toBe(0);
  });

  it('at a resource: requires a proof of the bound key with the ath of the token, answering with the DPoP challenge (401, §7.1)', async () => {
    const { subject } = binding();
    const atUserinfo = (value: string | undefined) => request(value, 'GET', 'https://as.example/oauth2/userinfo');
    const claims = { htm: 'GET', htu: 'https://as.example/oauth2/userinfo', ath: accessTokenHash('the-token') };
    await expect(subject.verify(atUserinfo(await proof(key, claims)), jkt, 'the-token')).resolves.toBeUndefined();
    const other = await generateKeyPair('ES256', { extractable: true });
    const otherKey = { privateKey: other.privateKey, jwk: await exportJWK(other.publicKey) };
    for (const [value, description] of [
      [await proof(otherKey, claims), 'the proof key is not the key the token is bound to'],
      [undefined, 'a DPoP proof is required'],
      [await proof(key, { ...claims, ath: undefined }), 'the proof ath does not match the access token'],
    ] as const) {
      const error = await subject.verify(atUserinfo(value), jkt, 'the-token').catch((e: OAuthError) => e);
      expect(error).toMatchObject({ code: 'invalid_dpop_proof', description, status: 401, challenge: { scheme: 'DPoP' } });
    }
  });
});

describe('DpopNonces (stateless server nonces, §8)', () => {
  it('accepts the current and the previous rotation period’s nonce, nothing older, and agrees across instances', () => {
    const a = new DpopNonces(SECRET, 300);
    const b = new DpopNonces(SECRET, 300);
    const t = 1_765_000_200;
    const nonce = a.current(t);
    expect(b.current(t)).toBe(nonce);
    expect(a.accepts(nonce, t + 300)).toBe(true);
    expect(a.accepts(nonce, t + 600)).toBe(false);
    expect(a.current(t + 300)).not.toBe(nonce);
    expect(new DpopNonces(Buffer.alloc(32, 8), 300).accepts(nonce, t)).toBe(false);
  });
});
