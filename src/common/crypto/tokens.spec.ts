import { randomToken, sha256Hex, timingSafeEqualString } from './tokens';

describe('crypto helpers', () => {
  it('generates 256-bit base64url tokens that differ each time', () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(a);
  });

  it('hashes with SHA-256 to 64 hex characters', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares strings of different lengths without throwing', () => {
    expect(timingSafeEqualString('a', 'a')).toBe(true);
    expect(timingSafeEqualString('a', 'ab')).toBe(false);
    expect(timingSafeEqualString('', 'x')).toBe(false);
  });
});
