import { type JwkSet, isLoopback, jwksProblem, jwksUriProblem } from '../clients/client-keys';
import { OAuthError, type OAuthErrorCode } from '../common/oauth/oauth-error';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { isIP } from 'node:net';
import { isPublicAddress } from '../common/http/outbound-get';
import { INVALID_CLIENT_METADATA, INVALID_REDIRECT_URI } from './registration-errors';

/** More redirect URIs than any real client has; a list of thousands is an attack on the matcher. */
export const MAX_REDIRECT_URIS = 100;
const MAX_URI_LENGTH = 2048;
const MAX_CONTACTS = 20;

/** The RFC 7591 §2 metadata a client registers, parsed and checked; wire names only at the edges. */
export interface ClientMetadata {
  readonly redirectUris: readonly string[];
  readonly tokenEndpointAuthMethod: string;
  readonly grantTypes: readonly string[];
  readonly responseTypes: readonly string[];
  readonly clientName: string | null;
  readonly scope: string | null;
  readonly jwks: JwkSet | null;
  readonly jwksUri: string | null;
  /** What the application itself does not keep, echoed back as registered (client_uri, logo_uri, contacts, …). */
  readonly descriptive: Readonly<Record<string, string | readonly string[]>>;
}

/** Human-facing URLs and software identity (RFC 7591 §2): kept with the registration, returned as given. */
const DESCRIPTIVE_URIS = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const;
const DESCRIPTIVE_STRINGS = ['software_id', 'software_version'] as const;

function invalidMetadata(description: string): OAuthError {
  return new OAuthError(INVALID_CLIENT_METADATA, description);
}

function optionalString(body: Record<string, unknown>, field: string, maxLength: number): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw invalidMetadata(`${field} must be a non-empty string of at most ${maxLength} characters`);
  }
  return value;
}

function stringArray(body: Record<string, unknown>, field: string, max: number, error: OAuthErrorCode = INVALID_CLIENT_METADATA): string[] | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.length === 0 || item.length > MAX_URI_LENGTH)) {
    throw new OAuthError(error, `${field} must be an array of non-empty strings`);
  }
  if (value.length > max) throw new OAuthError(error, `${field} may list at most ${max} values, not ${value.length}`);
  return [...new Set(value as string[])];
}

/**
 * Why `uri` may not be a redirect URI (RFC 6749 §3.1.2, RFC 8252 §7): absolute, no fragment, no
 * credentials, never a script or data URL; plain http only on the loopback interface.
 */
export function redirectUriProblem(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (url === null) return 'is not an absolute URI';
  if (uri.includes('#')) return 'must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (['javascript:', 'data:', 'vbscript:', 'file:', 'blob:'].includes(url.protocol)) return `must not use the ${url.protocol} scheme`;
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) return 'must use https (http only on the loopback interface, RFC 8252 §7.3)';
  return undefined;
}

function webUri(field: string, value: string): string {
  const problem = jwksUriProblem(value);
  if (problem) throw invalidMetadata(`${field} ${problem}`);
  return value;
}

/**
 * The server fetches a registered jwks_uri itself (client assertions, request objects): a client
 * registering itself must not point it at this network's own services (RFC 7591 §5). Only https on
 * a name or a public address; a name that resolves to a private address is not caught here.
 */
function publicJwksUri(value: string): void {
  webUri('jwks_uri', value);
  const url = new URL(value);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'https:' || host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && !isPublicAddress(host))) {
    throw invalidMetadata('jwks_uri must be an https URL on a public host');
  }
}

/**
 * Parses a registration request (RFC 7591 §2, §3.1). Unknown members are ignored (§2: the server
 * MUST ignore metadata it does not understand); wrong types and values are `invalid_client_metadata`,
 * bad redirect URIs `invalid_redirect_uri` (§3.2.2).
 */
export function parseClientMetadata(body: Record<string, unknown>): ClientMetadata {
  const redirectUris = stringArray(body, 'redirect_uris', MAX_REDIRECT_URIS, INVALID_REDIRECT_URI) ?? [];
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new OAuthError(INVALID_REDIRECT_URI, `redirect_uri ${problem}`);
  }
  const tokenEndpointAuthMethod = optionalString(body, 'token_endpoint_auth_method', 32) ?? 'client_secret_basic';
  // §2: grant_types defaults to authorization_code, response_types to code.
  const grantTypes = stringArray(body, 'grant_types', 20) ?? ['authorization_code'];
  const responseTypes = stringArray(body, 'response_types', 20) ?? ['code'];
  const unsupported = responseTypes.filter((type) => type !== 'code');
  if (unsupported.length > 0) throw invalidMetadata(`unsupported response_types: ${unsupported.join(', ')}; supported: code`);
  // §2.1: the code response type goes with the authorization_code grant, and the reverse.
  if (grantTypes.includes('authorization_code') !== responseTypes.includes('code')) {
    throw invalidMetadata('grant_types authorization_code and response_types code go together (RFC 7591 §2.1)');
  }
  const scope = optionalString(body, 'scope', 2048);
  if (scope !== null && !/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scope)) {
    throw invalidMetadata('scope must be space-separated scope tokens (RFC 6749 §3.3)');
  }
  const jwks = body.jwks === undefined || body.jwks === null ? null : (body.jwks as JwkSet);
  const jwksError = jwks === null ? undefined : jwksProblem(jwks);
  if (jwksError) throw invalidMetadata(`jwks ${jwksError}`);
  const jwksUri = optionalString(body, 'jwks_uri', MAX_URI_LENGTH);
  if (jwksUri !== null) publicJwksUri(jwksUri);
  // §2: jwks and jwks_uri MUST NOT both be present.
  if (jwks && jwksUri) throw invalidMetadata('give jwks or jwks_uri, not both (RFC 7591 §2)');

  const descriptive: Record<string, string | readonly string[]> = {};
  for (const field of DESCRIPTIVE_URIS) {
    const value = optionalString(body, field, MAX_URI_LENGTH);
    if (value !== null) descriptive[field] = webUri(field, value);
  }
  for (const field of DESCRIPTIVE_STRINGS) {
    const value = optionalString(body, field, 255);
    if (value !== null) descriptive[field] = value;
  }
  const contacts = stringArray(body, 'contacts', MAX_CONTACTS);
  if (contacts) descriptive.contacts = contacts;

  return {
    redirectUris,
    tokenEndpointAuthMethod,
    grantTypes,
    responseTypes,
    clientName: optionalString(body, 'client_name', 255),
    scope: scope === null ? null : formatScope([...new Set(scopeTokens(scope))]),
    jwks,
    jwksUri,
    descriptive,
  };
}
