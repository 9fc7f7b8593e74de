import { constants, generateKeyPairSync, KeyObject, sign, type SignKeyObjectInput, verify } from 'node:crypto';
import type { SigningAlgorithm } from './signing-key.entity';

/** node:crypto's digest for each JWS algorithm (RFC 7518 §3.3, §3.4; RFC 8037: EdDSA takes none). */
const DIGEST: Record<SigningAlgorithm, string | null> = { RS256: 'sha256', PS256: 'sha256', ES256: 'sha256', EdDSA: null };

/** A new key pair for `alg`: RSA 2048 for RS256 and PS256 (one key per algorithm, RFC 7517 §4.4), P-256, Ed25519. */
export function generateSigningKeyPair(alg: SigningAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  if (alg === 'RS256' || alg === 'PS256') return generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return generateKeyPairSync('ed25519');
}

/**
 * How node:crypto must use the key: ES256 signatures are R || S (RFC 7518 §3.4), not DER; PS256 is
 * RSASSA-PSS with MGF1-SHA-256 and a salt as long as the hash (RFC 7518 §3.5).
 */
function signingKey(alg: SigningAlgorithm, key: KeyObject): KeyObject | SignKeyObjectInput {
  if (alg === 'ES256') return { key, dsaEncoding: 'ieee-p1363' };
  if (alg === 'PS256') return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  return key;
}

const base64url = (text: string): string => Buffer.from(text).toString('base64url');

/**
 * Algorithms signed on the calling thread: an ES256 or Ed25519 signature costs less CPU than handing
 * it to the libuv pool does (job set-up, waking a worker, waking the event loop again; measured by
 * bench/sign-inline-pair.cjs, see bench/RESULTS.md). An RSA signature costs many times more, and the
 * event loop must not wait for it: RS256 and PS256 go to the pool.
 */
const SIGNED_INLINE: ReadonlySet<SigningAlgorithm> = new Set<SigningAlgorithm>(['ES256', 'EdDSA']);

/**
 * A compact JWS (RFC 7515 §7.1) of `claims`, signed with node:crypto on a KeyObject the caller keeps:
 * the same header and payload JSON as jose's SignJWT, without its WebCrypto layer.
 */
export function compactJws(claims: Record<string, unknown>, header: { alg: SigningAlgorithm; kid: string; typ: string }, key: KeyObject): Promise<string> {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const data = Buffer.from(input);
  const signer = signingKey(header.alg, key);
  const compact = (signature: Buffer) => `${input}.${signature.toString('base64url')}`;
  if (SIGNED_INLINE.has(header.alg)) {
    try {
      return Promise.resolve(compact(sign(DIGEST[header.alg], data, signer)));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
  return new Promise((resolve, reject) => sign(DIGEST[header.alg], data, signer, (error, signature) => (error ? reject(error) : resolve(compact(signature)))));
}

/**
 * The header and payload of a compact JWS whose signature `key` verifies for the header's `alg`,
 * or null. Synchronous: a public-key verification is cheaper than a hop to the thread pool.
 */
export function verifyCompactJws(
  token: string,
  keyFor: (header: Record<string, unknown>) => { alg: SigningAlgorithm; key: KeyObject } | undefined,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as unknown;
    if (typeof header !== 'object' || header === null) return null;
    const found = keyFor(header as Record<string, unknown>);
    // RFC 8725 §3.1: the algorithm is the key's, never the one the header asks for.
    if (!found || (header as Record<string, unknown>).alg !== found.alg) return null;
    const input = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verify(DIGEST[found.alg], input, signingKey(found.alg, found.key), Buffer.from(parts[2], 'base64url'))) return null;
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as unknown;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
    return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown> };
  } catch {
    return null;
  }
}
