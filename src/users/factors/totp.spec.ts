import { base32Decode, base32Encode, hotp, matchingStep, otpauthUri, totp, TOTP_PERIOD_SECONDS } from './totp';

// RFC 6238 Appendix B: the SHA-1 seed is the 20 ASCII bytes "12345678901234567890", 8 digits.
const RFC_SEED = Buffer.from('12345678901234567890', 'ascii');

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('computes the Appendix B SHA-1 value at T=%i', (time, expected) => {
    expect(totp(RFC_SEED, time, 8)).toBe(expected);
  });

  it('computes the RFC 4226 Appendix D HOTP values', () => {
    expect([0, 1, 2, 9].map((c) => hotp(RFC_SEED, c))).toEqual(['755224', '287082', '359152', '520489']);
  });

  it('accepts the codes of the previous, current and next step, and no other', () => {
    const now = 1_700_000_000;
    const at = (offset: number) => totp(RFC_SEED, now + offset * TOTP_PERIOD_SECONDS);
    const step = Math.floor(now / TOTP_PERIOD_SECONDS);
    expect(matchingStep(RFC_SEED, at(0), now)).toBe(step);
    expect(matchingStep(RFC_SEED, at(-1), now)).toBe(step - 1);
    expect(matchingStep(RFC_SEED, at(1), now)).toBe(step + 1);
    expect(matchingStep(RFC_SEED, at(-2), now)).toBeNull();
    expect(matchingStep(RFC_SEED, at(2), now)).toBeNull();
  });

  it('refuses codes that are not six digits', () => {
    expect(matchingStep(RFC_SEED, '', 59)).toBeNull();
    expect(matchingStep(RFC_SEED, '94287082', 59)).toBeNull();
    expect(matchingStep(RFC_SEED, '28708a', 59)).toBeNull();
  });
});

describe('base32 (RFC 4648 §6)', () => {
  it('encodes and decodes the RFC 4648 §10 test vectors', () => {
    const vectors: [string, string][] = [
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(`${encoded.toLowerCase()}==`)?.toString()).toBe(plain);
    }
  });

  it('refuses text that is not base32', () => {
    expect(base32Decode('')).toBeNull();
    expect(base32Decode('ABC1')).toBeNull();
  });
});

describe('otpauthUri', () => {
  it('carries the secret, issuer and the RFC 6238 parameters', () => {
    const uri = new URL(otpauthUri('Example AS', 'alice', RFC_SEED));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(base32Encode(RFC_SEED));
    expect(uri.searchParams.get('issuer')).toBe('Example AS');
    expect([uri.searchParams.get('digits'), uri.searchParams.get('period'), uri.searchParams.get('algorithm')]).toEqual(['6', '30', 'SHA1']);
  });
});
