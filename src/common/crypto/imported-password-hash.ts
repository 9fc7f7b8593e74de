import { verify as verifyArgon2 } from '@node-rs/argon2';
import { verify as verifyBcrypt } from '@node-rs/bcrypt';
import { createHash, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { CURRENT_HASH_PREFIX } from './password-hasher';
import { traced } from '../observability/tracing';

/**
 * Password hashes brought over from the systems our customers migrate from, verified once at the
 * user's next sign-in and then replaced by our own argon2id (see UsersService.checkPassword).
 *
 * Stored as given, except WSO2's salted SHA-256 (two database columns there), which is stored as
 * `$wso2-sha256$<base64url(salt)>$<value>`. Every verification is constant-time (the libraries', or
 * timingSafeEqual on the derived bytes) and runs on the libuv thread pool, off the event loop; the
 * salted SHA-256 is one digest (microseconds), so it runs inline.
 */

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const ACCEPTED_HASH_FORMATS =
  'bcrypt ($2a$, $2b$, $2y$); PHC strings $argon2id$, $argon2i$, $scrypt$, $pbkdf2-sha256$, $pbkdf2-sha512$, $pbkdf2$ (SHA-1); ' +
  'Spring DelegatingPasswordEncoder {bcrypt}, {pbkdf2}, {scrypt}, {argon2} and their @SpringSecurity_v5_8 variants; ' +
  'WSO2 salted SHA-256 as {"algorithm":"SHA-256","salt":"…","value":"…"}';

/** WSO2 Identity Server's UM_USER_PASSWORD / UM_SALT_VALUE: value = base64(SHA-256(password ∥ salt)). */
export interface Wso2SaltedHash {
  readonly algorithm: string;
  readonly salt: string;
  readonly value: string;
}

export class UnsupportedPasswordHash extends Error {}

/** A stored hash that is not ours with our parameters (password-hasher.ts) is re-hashed at sign-in. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_HASH_PREFIX);
}

// Bounds on imported cost parameters: above what the migrated systems use (Spring Security 6:
// bcrypt 10, PBKDF2-SHA256 310,000, scrypt N=2^16 r=8, argon2 m=16 MiB t=2), small enough that a
// hash in an import file cannot make one sign-in attempt (which anyone who knows the username can
// trigger) take seconds of a thread-pool thread or more than 64 MiB.
const MAX_BCRYPT_COST = 14;
const MAX_PBKDF2_WORK = 2_000_000; // iterations × output blocks
const MAX_DERIVED_BYTES = 64;
const MAX_SCRYPT_MEMORY = 64 * 1024 * 1024; // 128 · N · r bytes
const MAX_SCRYPT_P = 4;
const MAX_ARGON2 = { m: 65_536, t: 10, p: 4 } as const;

const B64 = /^[A-Za-z0-9+/.]+={0,2}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** Spring Security 6 PasswordEncoderFactories: the parameters each {id} of PBKDF2 implies. */
const SPRING_PBKDF2 = {
  '{pbkdf2}': { digest: 'sha1', iterations: 185_000, saltBytes: 8 },
  '{pbkdf2@SpringSecurity_v5_8}': { digest: 'sha256', iterations: 310_000, saltBytes: 16 },
} as const;

/** passlib's "adapted base64" uses '.' for '+' and drops the padding; PHC strings use standard base64 without padding. */
function decodeB64(value: string): Buffer {
  if (!B64.test(value)) throw new UnsupportedPasswordHash('malformed base64');
  return Buffer.from(value.replace(/\./g, '+'), 'base64');
}

interface Pbkdf2Params {
  readonly digest: 'sha1' | 'sha256' | 'sha512';
  readonly iterations: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

interface ScryptParams {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const;

function checkPbkdf2(params: Pbkdf2Params): Pbkdf2Params {
  const blocks = Math.ceil(params.hash.length / DIGEST_BYTES[params.digest]);
  if (!Number.isInteger(params.iterations) || params.iterations < 1 || params.iterations * blocks > MAX_PBKDF2_WORK) {
    throw new UnsupportedPasswordHash(`PBKDF2 iterations × output blocks must be 1 to ${MAX_PBKDF2_WORK}`);
  }
  if (params.salt.length === 0 || params.hash.length < 16 || params.hash.length > MAX_DERIVED_BYTES)
    throw new UnsupportedPasswordHash('PBKDF2 salt or hash length out of range');
  return params;
}

function checkScrypt(params: ScryptParams): ScryptParams {
  const { logN, r, p } = params;
  if (!(logN >= 1 && logN <= 30 && r >= 1 && p >= 1 && p <= MAX_SCRYPT_P && 128 * 2 ** logN * r <= MAX_SCRYPT_MEMORY)) {
    throw new UnsupportedPasswordHash(`scrypt parameters out of range (128·N·r at most ${MAX_SCRYPT_MEMORY / 1024 / 1024} MiB, p 1-${MAX_SCRYPT_P})`);
  }
  if (params.salt.length === 0 || params.hash.length < 16 || params.hash.length > MAX_DERIVED_BYTES)
    throw new UnsupportedPasswordHash('scrypt salt or hash length out of range');
  return params;
}

function checkBcrypt(hash: string): string {
  if (Number(hash.slice(4, 6)) > MAX_BCRYPT_COST) throw new UnsupportedPasswordHash(`bcrypt cost at most ${MAX_BCRYPT_COST}`);
  return hash;
}

function checkArgon2(hash: string): string {
  const [, m, t, p] = /\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(hash)!.map(Number);
  if (m > MAX_ARGON2.m || t > MAX_ARGON2.t || p > MAX_ARGON2.p) {
    throw new UnsupportedPasswordHash(`argon2 parameters out of range (m at most ${MAX_ARGON2.m} KiB, t at most ${MAX_ARGON2.t}, p at most ${MAX_ARGON2.p})`);
  }
  return hash;
}

/** `$pbkdf2-sha256$29000$salt$hash` (passlib) or `$pbkdf2-sha256$i=29000,l=32$salt$hash` (PHC). */
function parsePhcPbkdf2(stored: string): Pbkdf2Params {
  const [, id, rounds, salt, hash, ...rest] = stored.split('$');
  const digest = ({ pbkdf2: 'sha1', 'pbkdf2-sha256': 'sha256', 'pbkdf2-sha512': 'sha512' } as const)[id as 'pbkdf2'];
  if (!digest || hash === undefined || rest.length > 0) throw new UnsupportedPasswordHash('malformed PBKDF2 hash');
  const iterations = /^\d+$/.test(rounds) ? Number(rounds) : Number(/^i=(\d+)(,l=\d+)?$/.exec(rounds)?.[1]);
  return checkPbkdf2({ digest, iterations, salt: decodeB64(salt), hash: decodeB64(hash) });
}

/** `$scrypt$ln=16,r=8,p=1$salt$hash` (passlib and PHC). */
function parsePhcScrypt(stored: string): ScryptParams {
  const [, , params, salt, hash, ...rest] = stored.split('$');
  const match = /^ln=(\d+),r=(\d+),p=(\d+)$/.exec(params ?? '');
  if (!match || hash === undefined || rest.length > 0) throw new UnsupportedPasswordHash('malformed scrypt hash');
  return checkScrypt({ logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]), salt: decodeB64(salt), hash: decodeB64(hash) });
}

/** Spring's SCryptPasswordEncoder: `$<hex(log2 N << 16 | r << 8 | p)>$<base64 salt>$<base64 key>`. */
function parseSpringScrypt(encoded: string): ScryptParams {
  const [empty, params, salt, hash, ...rest] = encoded.split('$');
  if (empty !== '' || !/^[0-9a-f]{1,8}$/i.test(params ?? '') || hash === undefined || rest.length > 0) {
    throw new UnsupportedPasswordHash('malformed Spring scrypt hash');
  }
  const packed = parseInt(params, 16);
  return checkScrypt({ logN: (packed >> 16) & 0xffff, r: (packed >> 8) & 0xff, p: packed & 0xff, salt: decodeB64(salt), hash: decodeB64(hash) });
}

/** Spring's Pbkdf2PasswordEncoder: hex(salt ∥ hash), parameters implied by the {id}. */
function parseSpringPbkdf2(id: keyof typeof SPRING_PBKDF2, encoded: string): Pbkdf2Params {
  const spec = SPRING_PBKDF2[id];
  if (!HEX.test(encoded)) throw new UnsupportedPasswordHash('malformed Spring PBKDF2 hash');
  const bytes = Buffer.from(encoded, 'hex');
  return checkPbkdf2({ digest: spec.digest, iterations: spec.iterations, salt: bytes.subarray(0, spec.saltBytes), hash: bytes.subarray(spec.saltBytes) });
}

function isBcrypt(value: string): boolean {
  return /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(value);
}

function isArgon2(value: string): boolean {
  return /^\$argon2(id|i)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(value);
}

type Parsed =
  | { readonly kind: 'bcrypt' | 'argon2'; readonly hash: string }
  | { readonly kind: 'pbkdf2'; readonly params: Pbkdf2Params }
  | { readonly kind: 'scrypt'; readonly params: ScryptParams }
  | { readonly kind: 'sha256-salted'; readonly salt: string; readonly value: Buffer };

function parseStored(stored: string): Parsed {
  const spring = /^(\{[a-z0-9]+(?:@SpringSecurity_v5_8)?\})(.*)$/s.exec(stored);
  if (spring) {
    const [, id, encoded] = spring;
    if (id === '{bcrypt}' && isBcrypt(encoded)) return { kind: 'bcrypt', hash: checkBcrypt(encoded) };
    if ((id === '{argon2}' || id === '{argon2@SpringSecurity_v5_8}') && isArgon2(encoded)) return { kind: 'argon2', hash: checkArgon2(encoded) };
    if (id === '{scrypt}' || id === '{scrypt@SpringSecurity_v5_8}') return { kind: 'scrypt', params: parseSpringScrypt(encoded) };
    if (id in SPRING_PBKDF2) return { kind: 'pbkdf2', params: parseSpringPbkdf2(id as keyof typeof SPRING_PBKDF2, encoded) };
    throw new UnsupportedPasswordHash(`unsupported Spring encoder ${id}`);
  }
  if (isBcrypt(stored)) return { kind: 'bcrypt', hash: checkBcrypt(stored) };
  // Our own hashes pass too: their parameters are within the bounds.
  if (isArgon2(stored)) return { kind: 'argon2', hash: checkArgon2(stored) };
  if (stored.startsWith('$scrypt$')) return { kind: 'scrypt', params: parsePhcScrypt(stored) };
  if (/^\$pbkdf2(-sha256|-sha512)?\$/.test(stored)) return { kind: 'pbkdf2', params: parsePhcPbkdf2(stored) };
  const wso2 = /^\$wso2-sha256\$([A-Za-z0-9_-]*)\$([A-Za-z0-9+/]{43}=)$/.exec(stored);
  if (wso2) return { kind: 'sha256-salted', salt: Buffer.from(wso2[1], 'base64url').toString('utf8'), value: Buffer.from(wso2[2], 'base64') };
  throw new UnsupportedPasswordHash('unrecognised password hash format');
}

/**
 * The form in which an imported hash is stored, or UnsupportedPasswordHash (its message says what
 * is wrong; ACCEPTED_HASH_FORMATS lists what is accepted).
 */
export function importPasswordHash(input: string | Wso2SaltedHash): string {
  if (typeof input !== 'string') {
    if (input.algorithm.toUpperCase().replace('-', '') !== 'SHA256') throw new UnsupportedPasswordHash('WSO2 hashes are accepted with algorithm SHA-256');
    if (!/^[A-Za-z0-9+/]{43}=$/.test(input.value)) throw new UnsupportedPasswordHash('WSO2 value must be base64 of a SHA-256 digest');
    const stored = `$wso2-sha256$${Buffer.from(input.salt, 'utf8').toString('base64url')}$${input.value}`;
    if (stored.length > 255) throw new UnsupportedPasswordHash('WSO2 salt too long (at most 150 characters)');
    return stored;
  }
  if (input.length > 255) throw new UnsupportedPasswordHash('password hash longer than 255 characters');
  parseStored(input);
  return input;
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when `password` matches the stored hash (ours or an imported one); false for a malformed one. */
export function verifyStoredPassword(stored: string, password: string): Promise<boolean> {
  return traced('password.verify', () => verifyParsed(stored, password));
}

async function verifyParsed(stored: string, password: string): Promise<boolean> {
  let parsed: Parsed;
  try {
    parsed = parseStored(stored);
  } catch {
    return false;
  }
  try {
    switch (parsed.kind) {
      case 'argon2':
        return await verifyArgon2(parsed.hash, password);
      case 'bcrypt':
        return await verifyBcrypt(password, parsed.hash);
      case 'pbkdf2': {
        const { digest, iterations, salt, hash } = parsed.params;
        return constantTimeEqual(await pbkdf2Async(password, salt, iterations, hash.length, digest), hash);
      }
      case 'scrypt': {
        const { logN, r, p, salt, hash } = parsed.params;
        const N = 2 ** logN;
        const derived = await scryptAsync(password, salt, hash.length, { N, r, p, maxmem: 128 * N * r * p + 16 * 1024 * 1024 });
        return constantTimeEqual(derived, hash);
      }
      case 'sha256-salted':
        return constantTimeEqual(
          createHash('sha256')
            .update(password + parsed.salt, 'utf8')
            .digest(),
          parsed.value,
        );
    }
  } catch {
    return false;
  }
}
