import { OAuthError } from '../../common/oauth/oauth-error';
import type { PresentedClientCredentials } from '../clients.service';

/** RFC 6749 Appendix B: application/x-www-form-urlencoded decoding ('+' is a space). */
function formUrlDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError('invalid_client', 'malformed client credentials');
  }
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must be a single string`);
  return value;
}

/**
 * Reads the client's credentials from the request (RFC 6749 §2.3.1): HTTP Basic, whose user and
 * password are each form-urlencoded before base64; or client_id / client_secret in the body; or
 * client_id alone for a public client. Using more than one method is invalid_request (§2.3).
 */
export function parseClientCredentials(authorization: string | undefined, body: Record<string, unknown>): PresentedClientCredentials {
  const bodyClientId = optionalString(body, 'client_id');
  const bodySecret = optionalString(body, 'client_secret');

  if (authorization !== undefined) {
    const match = /^Basic[ ]+([A-Za-z0-9+/=._~-]*)[ ]*$/i.exec(authorization);
    if (!match) throw new OAuthError('invalid_client', 'unsupported client authentication scheme');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'malformed client credentials');
    const clientId = formUrlDecode(decoded.slice(0, colon));
    const clientSecret = formUrlDecode(decoded.slice(colon + 1));
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'client authenticated with more than one method');
    }
    // webMethods sends client_id in the JSON body as well as in Basic (seed 001); they must agree.
    if (bodyClientId !== undefined && bodyClientId !== clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
    }
    return { clientId, clientSecret };
  }

  if (bodyClientId === undefined || bodyClientId === '') {
    throw new OAuthError('invalid_client', 'client authentication required');
  }
  return bodySecret === undefined ? { clientId: bodyClientId } : { clientId: bodyClientId, clientSecret: bodySecret };
}
