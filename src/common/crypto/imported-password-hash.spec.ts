import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from './password-hasher';
import { importPasswordHash, needsRehash, UnsupportedPasswordHash, verifyStoredPassword, Wso2SaltedHash } from './imported-password-hash';

interface Vector {
  readonly format: string;
  readonly password: string;
  readonly hash: string | Wso2SaltedHash;
}

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const GENERATOR = join(FIXTURES, 'imported-password-hashes.py');
const PYTHON = '/usr/bin/python3';

/** Fresh vectors from passlib, bcrypt, argon2-cffi and hashlib (Debian's python3), or null where they are not installed. */
function freshVectors(): Vector[] | null {
  try {
    return JSON.parse(execFileSync(PYTHON, [GENERATOR], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as Vector[];
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`CI must run the independent hash implementations (apt-get install python3-passlib python3-bcrypt python3-argon2): ${String(error)}`);
    process.stderr.write(`SKIPPED fresh vectors in imported-password-hash.spec: ${PYTHON} with passlib, bcrypt and argon2 is not installed\n`);
    return null;
  }
}

const saved = JSON.parse(readFileSync(join(FIXTURES, 'imported-password-hashes.json'), 'utf8')) as Vector[];
const fresh = existsSync(PYTHON) ? freshVectors() : null;

describe('imported password hashes, checked against independent implementations', () => {
  const cases = [...saved.map((v) => ['saved', v] as const), ...(fresh ?? []).map((v) => ['fresh', v] as const)];

  it('covers every accepted format', () => {
    expect(saved.map((v) => v.format)).toHaveLength(17);
  });

  it.each(cases.map(([run, v]) => [`${v.format} (${run})`, v] as const))(
    'verifies %s with the right password and refuses a wrong one',
    async (_name, vector) => {
      const stored = importPasswordHash(vector.hash);
      expect(await verifyStoredPassword(stored, vector.password)).toBe(true);
      expect(await verifyStoredPassword(stored, `${vector.password}x`)).toBe(false);
      expect(await verifyStoredPassword(stored, '')).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    },
  );

  it('does not ask to re-hash our own argon2id, and verifies it', async () => {
    const ours = await hashPassword('correct horse');
    expect(needsRehash(ours)).toBe(false);
    expect(await verifyStoredPassword(ours, 'correct horse')).toBe(true);
  });

  it.each([
    ['plain text', 'hunter2hunter2'],
    ['an unknown Spring encoder', '{noop}password'],
    ['a truncated bcrypt hash', '$2a$10$abc'],
    ['MD5 crypt', '$1$saltsalt$qjXMvOMdp3Bq1bJ6oQGgP/'],
    ['PBKDF2 with absurd iterations', '$pbkdf2-sha256$999999999$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['scrypt asking for gigabytes', '$scrypt$ln=30,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['Spring PBKDF2 that is not hex', '{pbkdf2}not-hex'],
    ['bcrypt with cost 15 (over the bound of 14)', `$2b$15$${'a'.repeat(53)}`],
    ['argon2id with m = 128 MiB', '$argon2id$v=19$m=131072,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['argon2id with t = 11', '$argon2id$v=19$m=4096,t=11,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['scrypt with 128·N·r = 128 MiB', '$scrypt$ln=17,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['scrypt with p = 5', '$scrypt$ln=10,r=8,p=5$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['PBKDF2-SHA256 with 2,000,001 iterations', '$pbkdf2-sha256$2000001$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['PBKDF2-SHA1 whose 32-byte output doubles the work past the bound', '$pbkdf2$1000001$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
  ])('refuses %s at import', (_name, value) => {
    expect(() => importPasswordHash(value)).toThrow(UnsupportedPasswordHash);
  });

  it.each([
    ['bcrypt with cost 14', `$2b$14$${'a'.repeat(53)}`],
    ['scrypt with 128·N·r = 64 MiB (Spring 5.8: N = 2^16, r = 8)', '$scrypt$ln=16,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['PBKDF2-SHA256 with 2,000,000 iterations', '$pbkdf2-sha256$2000000$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['argon2id with m = 64 MiB, t = 10, p = 4', '$argon2id$v=19$m=65536,t=10,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
  ])('accepts %s, at the bound', (_name, value) => {
    expect(importPasswordHash(value)).toBe(value);
  });

  it('refuses a WSO2 salt whose stored form would not fit in 255 characters', () => {
    const value = Buffer.alloc(32).toString('base64');
    expect(() => importPasswordHash({ algorithm: 'SHA-256', salt: 's'.repeat(200), value })).toThrow(UnsupportedPasswordHash);
  });

  it('refuses a WSO2 hash with another algorithm or a value that is not a SHA-256 digest', () => {
    expect(() => importPasswordHash({ algorithm: 'MD5', salt: 's', value: 'x' })).toThrow(UnsupportedPasswordHash);
    expect(() => importPasswordHash({ algorithm: 'SHA-256', salt: 's', value: 'short' })).toThrow(UnsupportedPasswordHash);
  });

  it('answers false, never throws, for a stored value it cannot parse', async () => {
    expect(await verifyStoredPassword('garbage', 'x')).toBe(false);
  });
});
