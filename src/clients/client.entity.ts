import type { MfaPolicy } from '../common/oauth/authentication';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EpochColumn, JsonColumn, ScopeColumn } from '../common/database/columns';
import type { SigningAlgorithm } from '../keys/signing-key.entity';
import type { AccessTokenFormat } from '../common/oauth/access-token-format';
import type { JwkSet } from './client-keys';

/**
 * RFC 7591 §2: how the client authenticates at the token endpoint. The built-in ones, or any a
 * registered ClientAuthenticationMethod names (clients/authentication/).
 */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none' | (string & {});
/** How a client came to be, when not by an administrator: RFC 7591 self-registration, or a Client ID Metadata Document. */
export type ClientRegistrationKind = 'dynamic' | 'metadata_document';
export type PkceOverride = 'inherit' | 'required' | 'optional';
export type RefreshTokenRotation = 'rotate' | 'reuse';
/** Which claims of the user an ID Token carries: those of its scopes, or only what the `claims` parameter asks for. */
export type IdTokenClaims = 'scope' | 'minimal';
export const ID_TOKEN_CLAIMS: readonly IdTokenClaims[] = ['scope', 'minimal'];
/** The security profiles an application may follow (clients/fapi-profile.ts holds their rules). */
export type FapiProfile = 'fapi2-security';
export const FAPI_PROFILES: readonly FapiProfile[] = ['fapi2-security'];

/** The key and certificate registration of a client that has none (secret or public clients). */
export const NO_KEY_MATERIAL = {
  jwks: null,
  jwksUri: null,
  tokenEndpointAuthSigningAlg: null,
  tlsClientAuthSubjectDn: null,
  tlsClientAuthSanDns: null,
  tlsClientAuthSanUri: null,
  tlsClientAuthSanIp: null,
  tlsClientAuthSanEmail: null,
} as const;

/** An OAuth client ("application" on the admin surface). Column names follow RFC 7591 metadata. */
@Entity('clients')
export class ClientEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'client_name', type: 'varchar', length: 255 })
  clientName: string;

  /**
   * SHA-256 hex of a secret with enough entropy (generated, or imported with 32+ characters), or
   * the argon2id PHC string of a shorter imported one (a weak secret, until rotated); null for
   * public clients.
   */
  @Column({ name: 'secret_hash', type: 'varchar', length: 255, nullable: true })
  secretHash: string | null;

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32 })
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;

  @JsonColumn('redirect_uris')
  redirectUris: string[];

  @JsonColumn('grant_types')
  grantTypes: string[];

  /** Space-separated scopes the client may request (RFC 6749 §3.3). */
  @ScopeColumn()
  scope: string;

  @Column({ type: 'varchar', length: 16 })
  pkce: PkceOverride;

  /** null: inherit the global setting. */
  @Column({ name: 'pkce_plain_allowed', type: 'boolean', nullable: true })
  pkcePlainAllowed: boolean | null;

  @Column({ name: 'access_token_ttl', type: 'int', nullable: true })
  accessTokenTtl: number | null;

  @Column({ name: 'refresh_token_ttl', type: 'int', nullable: true })
  refreshTokenTtl: number | null;

  /** `rotate`: a new refresh token each time, reuse revokes the family; `reuse`: the same one until it expires (WSO2, Spring). */
  @Column({ name: 'refresh_token_rotation', type: 'varchar', length: 16 })
  refreshTokenRotation: RefreshTokenRotation;

  /** OpenID Connect Registration: the algorithm of this client's ID Tokens. */
  @Column({ name: 'id_token_signed_response_alg', type: 'varchar', length: 16 })
  idTokenSignedResponseAlg: SigningAlgorithm;

  /**
   * `scope`: the ID Token carries the standard claims of its granted scopes, as Keycloak, Entra ID,
   * Okta and Auth0 do; `minimal`: only the claims the `claims` parameter asks for (OpenID Connect
   * Core §5.4 lets them come from userinfo alone when an access token is issued).
   */
  @Column({ name: 'id_token_claims', type: 'varchar', length: 16 })
  idTokenClaims: IdTokenClaims;

  /** OpenID Connect RP-Initiated Logout: where this client may send the user after sign-out (exact match). */
  @JsonColumn('post_logout_redirect_uris', { nullable: true })
  postLogoutRedirectUris: string[] | null;

  /** RFC 9068: `jwt` access tokens, or `opaque` ones (a resource server's own format wins when one is named). */
  @Column({ name: 'access_token_format', type: 'varchar', length: 8 })
  accessTokenFormat: AccessTokenFormat;

  /**
   * RFC 7591 §2: the client's public keys inline (private_key_jwt, self_signed_tls_client_auth,
   * signed request objects); never with private members. At most one of this and `jwksUri`.
   */
  @JsonColumn('jwks', { nullable: true })
  jwks: JwkSet | null;

  /** RFC 7591 §2: where the client publishes its JWK Set (fetched, cached, refetched for an unknown `kid`). */
  @Column({ name: 'jwks_uri', type: 'text', nullable: true })
  jwksUri: string | null;

  /** OpenID Connect Registration §2: the one JWS algorithm its client assertions must use (null: any allowed one). */
  @Column({ name: 'token_endpoint_auth_signing_alg', type: 'varchar', length: 16, nullable: true })
  tokenEndpointAuthSigningAlg: string | null;

  /** RFC 8705 §2.1.2: the expected subject DN of the client certificate (tls_client_auth), RFC 4514 string. */
  @Column({ name: 'tls_client_auth_subject_dn', type: 'text', nullable: true })
  tlsClientAuthSubjectDn: string | null;

  /** RFC 8705 §2.1.2: an expected dNSName SAN entry. */
  @Column({ name: 'tls_client_auth_san_dns', type: 'varchar', length: 255, nullable: true })
  tlsClientAuthSanDns: string | null;

  /** RFC 8705 §2.1.2: an expected uniformResourceIdentifier SAN entry. */
  @Column({ name: 'tls_client_auth_san_uri', type: 'text', nullable: true })
  tlsClientAuthSanUri: string | null;

  /** RFC 8705 §2.1.2: an expected iPAddress SAN entry (IPv4 dotted decimal or IPv6 text). */
  @Column({ name: 'tls_client_auth_san_ip', type: 'varchar', length: 64, nullable: true })
  tlsClientAuthSanIp: string | null;

  /** RFC 8705 §2.1.2: an expected rfc822Name SAN entry. */
  @Column({ name: 'tls_client_auth_san_email', type: 'varchar', length: 255, nullable: true })
  tlsClientAuthSanEmail: string | null;

  /**
   * client_secret_jwt: the secret itself, AES-256-GCM under KEY_ENCRYPTION_SECRET (the HMAC needs
   * it; the SHA-256 in `secretHash` cannot serve). Null for every other method.
   */
  @Column({ name: 'secret_encrypted', type: 'text', nullable: true })
  secretEncrypted: string | null;

  /** RFC 8707: identifiers of the resource servers this client may request tokens for. */
  @JsonColumn('resources', { nullable: true })
  resources: string[] | null;

  /** RFC 9449 §5.2: every token request must carry a DPoP proof (no bearer tokens for this client). */
  @Column({ name: 'dpop_bound_access_tokens', type: 'boolean' })
  dpopBoundAccessTokens: boolean;

  /** RFC 8705 §3.4: tokens are bound to the TLS client certificate of the token request. */
  @Column({ name: 'tls_client_certificate_bound_access_tokens', type: 'boolean' })
  tlsClientCertificateBoundAccessTokens: boolean;
  /** RFC 9126 §6: this client may start an authorization request only by pushing it first. */
  @Column({ name: 'require_pushed_authorization_requests', type: 'boolean' })
  requirePushedAuthorizationRequests: boolean;

  /** RFC 9101 §10.5: this client's authorization requests must be signed request objects (directly or pushed). */
  @Column({ name: 'require_signed_request_object', type: 'boolean' })
  requireSignedRequestObject: boolean;

  /** The security profile this client follows (src/fapi/fapi-profile.ts); null: the global default (FAPI_PROFILE). */
  @Column({ name: 'fapi_profile', type: 'varchar', length: 32, nullable: true })
  fapiProfile: FapiProfile | null;

  /** Whether this client's users sign in with a second factor; null: the server default (MFA_DEFAULT). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  mfa: MfaPolicy | null;
  /** Null: created by an administrator (admin API, import); otherwise how it registered itself. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  registration: ClientRegistrationKind | null;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @EpochColumn('created_at')
  createdAt: number;

  @EpochColumn('updated_at')
  updatedAt: number;
}
