import { createHash } from 'node:crypto';

/**
 * SHA-256 of a token, code or secret in lower-case hex: the form the server stores them in, computed
 * here independently of the server's code so that a test can find (or fail to find) the stored row.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
