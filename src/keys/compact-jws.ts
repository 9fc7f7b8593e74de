import { KeyObject, sign } from 'node:crypto';
import type { SigningAlgorithm } from './signing-key.entity';

/** node:crypto's digest for each JWS algorithm (RFC 7518 §3.3, §3.4; RFC 8037: EdDSA takes none). */
const DIGEST: Record<SigningAlgorithm, string | null> = { RS256: 'sha256', ES256: 'sha256', EdDSA: null };

const base64url = (text: string): string => Buffer.from(text).toString('base64url');

/**
 * A compact JWS (RFC 7515 §7.1) of `claims`, signed with node:crypto on a KeyObject the caller keeps:
 * the same header and payload JSON as jose's SignJWT, without its WebCrypto layer. The signature runs
 * on the libuv thread pool (the RSA private-key operation is most of a JWT's cost), so the event loop
 * goes on meanwhile. ES256 signatures are R || S (RFC 7518 §3.4), not DER.
 */
export function compactJws(claims: Record<string, unknown>, header: { alg: SigningAlgorithm; kid: string; typ: string }, key: KeyObject): Promise<string> {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signingKey = header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return new Promise((resolve, reject) =>
    sign(DIGEST[header.alg], Buffer.from(input), signingKey, (error, signature) =>
      error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`),
    ),
  );
}
