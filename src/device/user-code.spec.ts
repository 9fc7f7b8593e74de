import { formatUserCode, generateUserCode, normalizeUserCode, USER_CODE_ALPHABET, USER_CODE_LENGTH } from './user-code';

describe('user codes (RFC 8628 §6.1)', () => {
  it('are eight characters from the RFC’s alphabet: consonants only, no digits, no look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateUserCode();
      expect(code).toHaveLength(USER_CODE_LENGTH);
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    }
    expect(USER_CODE_ALPHABET).not.toMatch(/[AEIOUY0-9]/);
  });

  it('are shown with a dash in the middle', () => {
    expect(formatUserCode('WDJBMJHT')).toBe('WDJB-MJHT');
  });

  it('are compared case-, dash- and space-insensitively', () => {
    for (const typed of ['WDJB-MJHT', 'wdjb-mjht', 'wdjbmjht', ' WdJb MjHt ', 'W-D-J-B-M-J-H-T']) {
      expect(normalizeUserCode(typed)).toBe('WDJBMJHT');
    }
  });

  it('refuses what cannot be a code: wrong length, a letter outside the alphabet', () => {
    for (const typed of ['', 'WDJB-MJH', 'WDJB-MJHTX', 'WDJB-MJH0', 'AAAA-BBBB', 'WDJB_MJHT']) {
      expect(normalizeUserCode(typed)).toBeNull();
    }
  });
});
