/** The built-in public client for administrators (password grant, or code + PKCE). */
export const ADMIN_CLI_CLIENT_ID = 'admin-cli';

/**
 * The settings a client has unless it sets its own: the global PKCE policy and token lifetimes
 * (null: inherit), rotating refresh tokens with reuse detection (RFC 9700 §4.14.2), ID Tokens
 * signed with RS256 (the algorithm OpenID Connect Core §15.1 requires every server to support).
 */
export const CLIENT_SETTING_DEFAULTS = {
  pkce: 'inherit',
  pkcePlainAllowed: null,
  accessTokenTtl: null,
  refreshTokenTtl: null,
  refreshTokenRotation: 'rotate',
  idTokenSignedResponseAlg: 'RS256',
} as const;

/**
 * What a client demands of its requests unless it opts in: bearer tokens, authorization requests
 * neither pushed nor signed, and the server's default profile (null: FAPI_PROFILE).
 */
export const CLIENT_REQUIREMENT_DEFAULTS = {
  dpopBoundAccessTokens: false,
  tlsClientCertificateBoundAccessTokens: false,
  requirePushedAuthorizationRequests: false,
  requireSignedRequestObject: false,
  fapiProfile: null,
  mfa: null,
} as const;
