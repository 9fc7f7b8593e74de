import { createHash } from 'node:crypto';
import { timingSafeEqualString } from '../common/crypto/tokens';
import { OAuthError } from '../common/oauth/oauth-error';

export type CodeChallengeMethod = 'S256' | 'plain';

/** RFC 7636 §4.1/§4.2: 43–128 characters of ALPHA / DIGIT / "-" / "." / "_" / "~". */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isWellFormedPkceValue(value: string): boolean {
  return PKCE_VALUE.test(value);
}

/** RFC 7636 §4.2: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))). */
export function s256(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

export interface StoredChallenge {
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: CodeChallengeMethod | null;
}

/**
 * The token-side PKCE check (RFC 7636 §4.6), always invalid_grant:
 * - a challenge was stored and the verifier is missing, malformed or does not match;
 * - no challenge was stored but a verifier is sent: a PKCE downgrade attempt (RFC 9700 §2.1.1).
 */
export function verifyPkce(stored: StoredChallenge, codeVerifier: string | undefined): void {
  if (stored.codeChallenge === null) {
    if (codeVerifier !== undefined) {
      throw new OAuthError('invalid_grant', 'code_verifier sent but no code_challenge was used at authorization');
    }
    return;
  }
  if (codeVerifier === undefined) throw new OAuthError('invalid_grant', 'code_verifier is required');
  if (!isWellFormedPkceValue(codeVerifier)) throw new OAuthError('invalid_grant', 'code_verifier is malformed');
  const computed = stored.codeChallengeMethod === 'plain' ? codeVerifier : s256(codeVerifier);
  if (!timingSafeEqualString(computed, stored.codeChallenge)) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
  }
}
