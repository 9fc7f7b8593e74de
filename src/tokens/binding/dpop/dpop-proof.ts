import { JWT_MAX_FUTURE_SECONDS } from '../../../common/oauth/jwt-clock';
import { createHash, createPublicKey, type KeyObject, verify, type webcrypto } from 'node:crypto';
import { ASYMMETRIC_JWS_ALGORITHMS, type AsymmetricJwsAlgorithm } from '../../../common/crypto/jws';

/** The JWS algorithms accepted for DPoP proofs (RFC 9449 §4.3 point 5: asymmetric only). */
export const DPOP_SIGNING_ALGS = ['ES256', 'PS256', 'EdDSA', 'RS256'] as const;
export type DpopSigningAlg = (typeof DPOP_SIGNING_ALGS)[number];

/** What a proof must match: this request, this moment, and at a resource the token it comes with. */
export interface ProofExpectations {
  /** The HTTP method of the request (RFC 9449 §4.3 point 8). */
  readonly method: string;
  /** The request URL without query and fragment (point 9). */
  readonly url: string;
  readonly now: number;
  /** How old `iat` may be, seconds (point 11). */
  readonly maxAgeSeconds: number;
  /** At a protected resource, the access token: the proof's `ath` must be its hash (point 12, §7). */
  readonly accessToken?: string;
}

/** A proof that passed every check of RFC 9449 §4.3 that needs no state (replay and nonce are the caller's). */
export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key, base64url: the `jkt` tokens are bound to. */
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
  readonly nonce?: string;
}

/** Why a proof was refused: the description of an `invalid_dpop_proof` answer. */
export class ProofError extends Error {}

/** A proof newer than this is from a clock too far ahead (or forged to outlive the replay window). */
const MAX_FUTURE_SECONDS = JWT_MAX_FUTURE_SECONDS;
/** RFC 9449 §4.2: a proof is small; a bigger header is refused before it is parsed. */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Each algorithm: the key type it needs and how node:crypto verifies it. */
const ALGORITHMS: Record<DpopSigningAlg, AsymmetricJwsAlgorithm> = ASYMMETRIC_JWS_ALGORITHMS as Record<DpopSigningAlg, AsymmetricJwsAlgorithm>;

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = { EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7638: base64url(SHA-256 of the key's required members as compact JSON, in lexicographic order). */
export function jwkThumbprint(jwk: Record<string, unknown>): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (!members || members.some((m) => typeof jwk[m] !== 'string')) throw new ProofError('unsupported or incomplete jwk');
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** RFC 9449 §6.1 `ath`: base64url(SHA-256(ASCII access token)). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The URL without query and fragment, scheme and host lower case, default port dropped (RFC 9449 §4.3 point 9, RFC 3986 §6.2.3). */
export function normalizedHtu(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

function decodeJson(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new ProofError('the proof is not a JWT');
  }
  if (!isRecord(value)) throw new ProofError('the proof is not a JWT');
  return value;
}

/** The proof's public key, refused unless it suits the algorithm and holds no private member (§4.3 point 7). */
function publicKey(jwk: unknown, alg: DpopSigningAlg): KeyObject {
  if (!isRecord(jwk)) throw new ProofError('the proof header needs a jwk');
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw new ProofError('the jwk must be a public key');
  const spec = ALGORITHMS[alg];
  if (jwk.kty !== spec.kty || (spec.curves !== undefined && !spec.curves.includes(String(jwk.crv)))) throw new ProofError(`the jwk does not suit ${alg}`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as webcrypto.JsonWebKey, format: 'jwk' });
  } catch {
    throw new ProofError('the jwk is not a valid key');
  }
  if (spec.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new ProofError('RSA keys need 2048 bits or more');
  return key;
}

/** A proof header that passed its checks: the algorithm, the key and its thumbprint. */
interface CheckedHeader {
  readonly alg: DpopSigningAlg;
  readonly key: KeyObject;
  readonly jkt: string;
}

/**
 * Checked headers by their encoded form. A client signs every proof with one key, so its headers
 * are the same bytes each time: the JSON parse, the key import and the thumbprint (a third of a
 * proof's CPU) are done once per key. Bounded; the oldest entry leaves first.
 */
const checkedHeaders = new Map<string, CheckedHeader>();
const MAX_CHECKED_HEADERS = 1000;

/** §4.3 points 4–7 on the header: `typ`, a supported `alg`, a public `jwk` that suits it. */
function checkedHeader(encoded: string): CheckedHeader {
  const known = checkedHeaders.get(encoded);
  if (known) return known;
  const header = decodeJson(encoded);
  if (header.typ !== 'dpop+jwt') throw new ProofError('the proof typ must be dpop+jwt');
  const alg = header.alg;
  if (typeof alg !== 'string' || !Object.hasOwn(ALGORITHMS, alg)) throw new ProofError('the proof alg is not allowed');
  const key = publicKey(header.jwk, alg as DpopSigningAlg);
  const checked = { alg: alg as DpopSigningAlg, key, jkt: jwkThumbprint(header.jwk as Record<string, unknown>) };
  if (checkedHeaders.size >= MAX_CHECKED_HEADERS) checkedHeaders.delete(checkedHeaders.keys().next().value!);
  checkedHeaders.set(encoded, checked);
  return checked;
}

/**
 * The checks of RFC 9449 §4.3 on one `DPoP` header value, in its order: one well-formed JWT, `typ`
 * `dpop+jwt`, an allowed asymmetric `alg`, a public `jwk` that verifies the signature, `jti`, `htm`
 * and `htu` of this request, `iat` within the window, and at a resource the `ath` of the token.
 * Throws ProofError naming the first failure. Replay (`jti`) and the server nonce are the caller's.
 *
 * Written on node:crypto rather than jose's jwtVerify with EmbeddedJWK: every proof carries a new
 * key, and jose imports it into WebCrypto and verifies asynchronously each time. Verifying the same
 * ES256 proofs in one process, alternating three rounds of 2,000, cost 65–94 µs of CPU per proof
 * here against 161–213 µs with jose; the checks themselves are the short list above.
 */
export function verifyProof(proof: string, expected: ProofExpectations, allowedAlgs: readonly string[] = DPOP_SIGNING_ALGS): VerifiedProof {
  if (proof.length > MAX_PROOF_LENGTH) throw new ProofError('the proof is too large');
  const parts = proof.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw new ProofError('the proof is not a compact JWS');
  const { alg, key, jkt } = checkedHeader(parts[0]);
  if (!allowedAlgs.includes(alg)) throw new ProofError('the proof alg is not allowed');
  const spec = ALGORITHMS[alg];
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const valid = verify(spec.digest, signed, { key, ...spec.options }, Buffer.from(parts[2], 'base64url'));
  if (!valid) throw new ProofError('the proof signature does not verify');

  const claims = decodeJson(parts[1]);
  const { jti, htm, htu, iat, ath, nonce } = claims;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw new ProofError('the proof needs a jti');
  if (htm !== expected.method) throw new ProofError('the proof htm does not match the request method');
  if (typeof htu !== 'string' || normalizedHtu(htu) !== normalizedHtu(expected.url)) throw new ProofError('the proof htu does not match the request URL');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new ProofError('the proof needs an iat');
  if (iat > expected.now + MAX_FUTURE_SECONDS) throw new ProofError('the proof iat is in the future');
  if (iat < expected.now - expected.maxAgeSeconds) throw new ProofError('the proof is too old');
  if (expected.accessToken !== undefined && ath !== accessTokenHash(expected.accessToken))
    throw new ProofError('the proof ath does not match the access token');
  if (nonce !== undefined && typeof nonce !== 'string') throw new ProofError('the proof nonce must be a string');
  return { jkt, jti, iat, ...(nonce !== undefined ? { nonce } : {}) };
}
