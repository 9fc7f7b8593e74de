import { randomToken, sha256Hex, sha256HexMatches, timingSafeEqualString, uuidv7 } from './tokens';

describe('crypto helpers', () => {
  it('generates 256-bit base64url tokens that differ each time', () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(a);
  });

  it('never hands out the same bytes twice across block refills', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(seen.size).toBe(1000);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomToken(5000)).toHaveLength(6667);
  });

  it('makes version 7 UUIDs that sort by creation time and differ within one millisecond', () => {
    const earlier = uuidv7(Date.UTC(2026, 0, 1));
    const later = uuidv7(Date.UTC(2026, 0, 1) + 1);
    expect(earlier).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(earlier < later).toBe(true);
    expect(earlier.slice(0, 13)).toBe('019b76da-a800');
    const sameMs = new Set(Array.from({ length: 100 }, () => uuidv7(1)));
    expect(sameMs.size).toBe(100);
  });

  it('hashes with SHA-256 to 64 hex characters', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares strings of different lengths without throwing', () => {
    expect(timingSafeEqualString('a', 'a')).toBe(true);
    expect(timingSafeEqualString('a', 'ab')).toBe(false);
    expect(timingSafeEqualString('', 'x')).toBe(false);
  });

  it('matches a value against its stored SHA-256 hex digest, and nothing else against it', () => {
    const digest = sha256Hex('client-secret');
    expect(sha256HexMatches('client-secret', digest)).toBe(true);
    expect(sha256HexMatches('client-secreT', digest)).toBe(false);
    // Not a digest: too short, too long, not hex.
    for (const stored of [digest.slice(0, 62), `${digest}00`, `${digest}z`, `${digest}0`, `z${digest.slice(1)}`, '']) {
      expect(sha256HexMatches('client-secret', stored)).toBe(false);
    }
  });
});
