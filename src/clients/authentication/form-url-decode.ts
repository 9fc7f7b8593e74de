import { OAuthError } from '../../common/oauth/oauth-error';

/** RFC 6749 Appendix B: application/x-www-form-urlencoded decoding ('+' is a space). */
export function formUrlDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError('invalid_client', 'malformed client credentials');
  }
}
