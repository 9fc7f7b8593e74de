import { randomInt } from 'node:crypto';

/**
 * RFC 8628 §6.1: twenty consonants, so that a code spells no word and has no look-alikes (no 0/O,
 * 1/I/L, no vowels). Eight of them carry 20^8 ≈ 2^34.6 possibilities; §5.1's brute-force bound
 * holds with the per-IP and per-code limits of the verification page.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A new user code, in its stored form (eight letters, no separator). */
export function generateUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** As a person reads and types it: WDJB-MJHT. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * A code as typed, compared case- and dash-insensitively (RFC 8628 §6.1: ignore the separator and
 * whitespace, accept lower case); null when it cannot be a code of ours, without a lookup.
 */
export function normalizeUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return null;
  return [...code].every((c) => USER_CODE_ALPHABET.includes(c)) ? code : null;
}
