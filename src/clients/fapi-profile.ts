import type { AuthenticatedClient, NewClient } from './clients.service';
import { isLoopback } from './client-keys';
import { ADMIN_CLI_CLIENT_ID } from './client-defaults';
import { FAPI_PROFILES, type FapiProfile } from './client.entity';
import { OAuthError } from '../common/oauth/oauth-error';

/**
 * The FAPI 2.0 Security Profile (OpenID Foundation, final): which clients it applies to and every
 * rule it adds, in one place. Each rule cites the profile's section; the endpoints call these
 * functions at their existing hooks and know nothing of the profile otherwise.
 */
export const FAPI2_SECURITY: FapiProfile = 'fapi2-security';
export { FAPI_PROFILES, type FapiProfile };

/** §5.3.2.1: confidential clients only, authenticated with mutual TLS (RFC 8705) or private_key_jwt. */
export const FAPI2_CLIENT_AUTH_METHODS: readonly string[] = ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'];
/** §5.4.1: JWS algorithms of client assertions, request objects and ID Tokens (RS256 excluded). */
export const FAPI2_SIGNING_ALGS: readonly string[] = ['PS256', 'ES256', 'EdDSA'];
/** §5.3.2.2: authorization codes live 60 seconds at most. */
export const FAPI2_MAX_CODE_LIFETIME_SECONDS = 60;

/**
 * Whether the FAPI 2.0 profile applies: the client's own profile, else the server default
 * (FAPI_PROFILE). The built-in admin-cli (a public client of the server's own administrators) is
 * held to its own profile only, so that the server stays manageable under the default.
 */
export function fapiApplies(client: Pick<AuthenticatedClient, 'id' | 'fapiProfile'>, defaultProfile: FapiProfile | null): boolean {
  return (client.fapiProfile ?? (client.id === ADMIN_CLI_CLIENT_ID ? null : defaultProfile)) === FAPI2_SECURITY;
}

/** A registration the profile refuses: the field at fault and why. */
export interface FapiViolation {
  readonly field: string;
  readonly message: string;
}

/** What the registration rules read of an application (new, or stored with its changes applied). */
export type FapiRegistration = Pick<NewClient, 'tokenEndpointAuthMethod' | 'grantTypes' | 'redirectUris'> &
  Pick<NewClient, 'fapiProfile' | 'idTokenSignedResponseAlg' | 'refreshTokenRotation' | 'tokenEndpointAuthSigningAlg'>;

/**
 * The first rule of the profile an application registered with `fapi_profile: fapi2-security`
 * breaks, or null. Applications inheriting the server default are held to the runtime rules alone.
 */
export function fapiRegistrationViolation(app: FapiRegistration): FapiViolation | null {
  if (app.fapiProfile !== FAPI2_SECURITY) return null;
  const profile = 'the FAPI 2.0 profile';
  if (!FAPI2_CLIENT_AUTH_METHODS.includes(app.tokenEndpointAuthMethod)) {
    return { field: 'token_endpoint_auth_method', message: `${profile} needs one of ${FAPI2_CLIENT_AUTH_METHODS.join(', ')} (FAPI 2.0 §5.3.2.1)` };
  }
  if (app.grantTypes.includes('password')) {
    return { field: 'grant_types', message: `${profile} forbids the password grant (FAPI 2.0 §5.3.2.1)` };
  }
  if (app.idTokenSignedResponseAlg !== undefined && !FAPI2_SIGNING_ALGS.includes(app.idTokenSignedResponseAlg)) {
    return { field: 'id_token_signed_response_alg', message: `${profile} signs with ${FAPI2_SIGNING_ALGS.join(', ')} only (FAPI 2.0 §5.4.1)` };
  }
  if (app.tokenEndpointAuthSigningAlg && !FAPI2_SIGNING_ALGS.includes(app.tokenEndpointAuthSigningAlg)) {
    return { field: 'token_endpoint_auth_signing_alg', message: `${profile} signs with ${FAPI2_SIGNING_ALGS.join(', ')} only (FAPI 2.0 §5.4.1)` };
  }
  if (app.redirectUris.some((uri) => !secureRedirectUri(uri))) {
    return { field: 'redirect_uris', message: `${profile} needs https redirect URIs (http only on the loopback interface) (FAPI 2.0 §5.3.2.2)` };
  }
  // Refresh tokens are bound to the client's key or certificate instead of rotated, so a client
  // that lost an answer can retry (FAPI 2.0 §5.3.2.1).
  if (app.refreshTokenRotation !== undefined && app.refreshTokenRotation !== 'reuse') {
    return { field: 'refresh_token_rotation', message: `${profile} does not rotate refresh tokens: use reuse (FAPI 2.0 §5.3.2.1)` };
  }
  return null;
}

function secureRedirectUri(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  } catch {
    return false;
  }
}

/** §5.3.2.1: a client under the profile authenticates with private_key_jwt or mutual TLS; any other method is invalid_client. */
export function assertFapiClientAuthentication(client: AuthenticatedClient): void {
  if (!FAPI2_CLIENT_AUTH_METHODS.includes(client.tokenEndpointAuthMethod)) {
    throw new OAuthError('invalid_client', `clients under the FAPI 2.0 profile authenticate with ${FAPI2_CLIENT_AUTH_METHODS.join(', ')}`);
  }
}

/** §5.3.2.2: authorization requests only through PAR (RFC 9126), the authorization endpoint then takes only request_uri. */
export function assertFapiPushed(pushed: boolean): void {
  if (!pushed)
    throw new OAuthError('invalid_request', 'the FAPI 2.0 profile needs authorization requests pushed first (pushed_authorization_request_endpoint, RFC 9126)');
}

/** What the authorization request rules read. */
export interface FapiAuthorizeRequest {
  readonly redirectUriProvided: boolean;
  readonly codeChallengeMethod?: string | null;
  readonly codeChallenge?: string | null;
}

/**
 * §5.3.2.2: PKCE with S256 (RFC 7636) and the redirect_uri sent in the pushed request. response_type
 * `code` alone is already all this server accepts.
 */
export function assertFapiAuthorizeRequest(request: FapiAuthorizeRequest): void {
  if (!request.codeChallenge || request.codeChallengeMethod !== 'S256') {
    throw new OAuthError('invalid_request', 'the FAPI 2.0 profile needs PKCE with code_challenge_method=S256');
  }
  if (!request.redirectUriProvided) throw new OAuthError('invalid_request', 'the FAPI 2.0 profile needs redirect_uri in the authorization request');
}

/**
 * Token endpoint: §5.3.2.1 no password grant (RFC 9700 §2.4) and only sender-constrained tokens
 * (DPoP, RFC 9449, or a client certificate, RFC 8705 §3). `bound`: a proof or certificate binds
 * this request's tokens.
 */
export function assertFapiTokenRequest(grantType: unknown, bound: boolean): void {
  if (grantType === 'password') throw new OAuthError('unauthorized_client', 'the FAPI 2.0 profile forbids the password grant');
  if (!bound) {
    throw new OAuthError(
      'invalid_request',
      'the FAPI 2.0 profile issues only sender-constrained tokens: send a DPoP proof (RFC 9449) or a client certificate (RFC 8705)',
    );
  }
}

/** §5.4.1: the algorithms of `offered` the profile allows (no RS256, no HMAC). */
export function fapiAlgorithms(offered: readonly string[]): readonly string[] {
  return offered.filter((alg) => FAPI2_SIGNING_ALGS.includes(alg));
}
