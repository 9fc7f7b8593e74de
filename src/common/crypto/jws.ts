import { constants, createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify, type webcrypto } from 'node:crypto';

/**
 * The JWS algorithms this server verifies from clients (client assertions, DPoP proofs) with
 * node:crypto: the key type each needs and how to verify (RFC 7518 §3.3–3.5, RFC 8037 §3.1). ES256
 * signatures are R || S, not DER; PS256 is RSASSA-PSS with a salt as long as the hash.
 */
export interface AsymmetricJwsAlgorithm {
  readonly kty: 'EC' | 'RSA' | 'OKP';
  /** The curves of the key (`crv`), for EC and OKP keys. */
  readonly curves?: readonly string[];
  readonly digest: string | null;
  readonly options: object;
}

export const ASYMMETRIC_JWS_ALGORITHMS: Readonly<Record<string, AsymmetricJwsAlgorithm>> = {
  ES256: { kty: 'EC', curves: ['P-256'], digest: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  PS256: { kty: 'RSA', digest: 'sha256', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  RS256: { kty: 'RSA', digest: 'sha256', options: {} },
  EdDSA: { kty: 'OKP', curves: ['Ed25519'], digest: null, options: {} },
};

/** HMAC algorithms (RFC 7518 §3.2): the digest, and the shortest key allowed (the size of its output). */
export const HMAC_JWS_ALGORITHMS: Readonly<Record<string, { readonly digest: string; readonly minKeyBytes: number }>> = {
  HS256: { digest: 'sha256', minKeyBytes: 32 },
  HS384: { digest: 'sha384', minKeyBytes: 48 },
  HS512: { digest: 'sha512', minKeyBytes: 64 },
};

/** A compact JWS (RFC 7515 §7.1) taken apart, its signature not checked yet. */
export interface DecodedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** ASCII(BASE64URL(header) || '.' || BASE64URL(payload)): what the signature covers. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** An unsecured JWS (`alg: none`) has an empty signature: decoded, so that no algorithm claims it. */
const SIGNATURE = /^[A-Za-z0-9_-]*$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Header and payload of a compact JWS whose parts are base64url JSON objects, or null. A header
 * with `crit` is refused: this server understands no extension (RFC 7515 §4.1.11).
 */
export function decodeCompactJws(token: string): DecodedJws | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !BASE64URL.test(parts[0]) || !BASE64URL.test(parts[1]) || !SIGNATURE.test(parts[2])) return null;
  const header = decodeJson(parts[0]);
  const payload = header && decodeJson(parts[1]);
  if (!header || !payload || 'crit' in header) return null;
  return { header, payload, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2], 'base64url') };
}

/** Whether `key` verifies the signature for `alg`, an asymmetric algorithm of ASYMMETRIC_JWS_ALGORITHMS. */
export function verifiesWithKey(alg: string, jws: DecodedJws, key: KeyObject): boolean {
  const spec = ASYMMETRIC_JWS_ALGORITHMS[alg];
  if (!spec || !keySuits(key, spec)) return false;
  try {
    return verify(spec.digest, jws.signingInput, { key, ...spec.options }, jws.signature);
  } catch {
    return false;
  }
}

/** Whether the HMAC of `secret` for `alg` is the signature, compared in constant time. */
export function verifiesWithSecret(alg: string, jws: DecodedJws, secret: Uint8Array): boolean {
  const spec = HMAC_JWS_ALGORITHMS[alg];
  if (!spec) return false;
  const expected = createHmac(spec.digest, secret).update(jws.signingInput).digest();
  return expected.length === jws.signature.length && timingSafeEqual(expected, jws.signature);
}

/** Whether the JWK (its `kty`, `crv`) can be the key of `alg` (RFC 7518 §6). */
export function jwkSuits(jwk: Readonly<Record<string, unknown>>, alg: string): boolean {
  const spec = ASYMMETRIC_JWS_ALGORITHMS[alg];
  return spec !== undefined && jwk.kty === spec.kty && (spec.curves === undefined || spec.curves.includes(String(jwk.crv)));
}

/** JWK members that carry private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * The public KeyObject of a JWK, or null for one that holds private material, is malformed, or is
 * an RSA key under 2048 bits (RFC 7518 §3.3, §3.5).
 */
export function importPublicJwk(jwk: Readonly<Record<string, unknown>>): KeyObject | null {
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) return null;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as webcrypto.JsonWebKey, format: 'jwk' });
  } catch {
    return null;
  }
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return null;
  return key;
}

/** The key type and curve of a KeyObject match what the algorithm needs (an ES256 check never runs on an RSA key). */
function keySuits(key: KeyObject, spec: AsymmetricJwsAlgorithm): boolean {
  if (spec.kty === 'RSA') return key.asymmetricKeyType === 'rsa';
  if (spec.kty === 'EC') return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  return key.asymmetricKeyType === 'ed25519';
}
