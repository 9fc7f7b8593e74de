import { ClientEntity, NO_KEY_MATERIAL } from './client.entity';

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

/** What tells one client row from another: the columns every row sets itself. */
export type ClientRowIdentity = Pick<
  ClientEntity,
  'id' | 'clientName' | 'secretHash' | 'tokenEndpointAuthMethod' | 'redirectUris' | 'grantTypes' | 'scope' | 'enabled' | 'createdAt' | 'updatedAt'
>;

/**
 * A client row of `identity` with every other column at its default: the settings and requirements
 * above, no optional metadata, no key material, no secret kept; `overrides` replace any of them.
 */
export function clientRow(identity: ClientRowIdentity, overrides: Partial<ClientEntity> = {}): ClientEntity {
  const defaults = {
    ...CLIENT_SETTING_DEFAULTS,
    idTokenClaims: 'scope',
    postLogoutRedirectUris: null,
    accessTokenFormat: 'opaque',
    resources: null,
    ...CLIENT_REQUIREMENT_DEFAULTS,
    registration: null,
    ...NO_KEY_MATERIAL,
    secretEncrypted: null,
  } satisfies Omit<ClientEntity, keyof ClientRowIdentity>;
  return Object.assign(new ClientEntity(), defaults, identity, overrides);
}
