import { MFA_POLICIES, type MfaPolicy } from '../../common/oauth/authentication';
import { IsOptionalNotNull } from '../../common/http/optional';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { RejectUnknownFields } from '../../common/http/validation';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsIP,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import type { AuthenticatedClient } from '../../clients/clients.service';
import { SIGNING_ALGORITHMS, SigningAlgorithm } from '../../keys/signing-key.entity';
import { ACCESS_TOKEN_FORMATS, AccessTokenFormat } from '../../common/oauth/access-token-format';
import { applicationWarnings } from '../application-warnings';
import { ID_TOKEN_CLAIMS, IdTokenClaims, type TokenEndpointAuthMethod } from '../../clients/client.entity';
import { type JwkSet, jwksProblem, jwksUriProblem } from '../../clients/client-keys';
import { CLIENT_ASSERTION_ALGORITHMS } from '../../clients/authentication/client-assertion';
import { FAPI_PROFILES, type FapiProfile } from '../../clients/fapi-profile';
import { PageOf } from './pagination.dto';
import { EpochSeconds, NullableLifetime, NullableString, OptionalFlag, OptionalText, RequiredText, ScopeString, Stacked, StringArray } from './fields';

/** A field checked by a function that says what is wrong (undefined: nothing). */
function Checked(field: string, problem: (value: unknown) => string | undefined): PropertyDecorator {
  return ValidateBy({
    name: field,
    validator: {
      validate: (value: unknown) => problem(value) === undefined,
      defaultMessage: (args) => `${field} ${problem(args?.value) ?? 'is invalid'}`,
    },
  });
}

const NAME_FIELD = { type: String, nullable: true } as const;

/** RFC 6749 §3.1.2: an absolute URI without a fragment (custom schemes allowed for native apps). */
function IsRedirectUri(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRedirectUri',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || value.length > 2048 || value.includes('#')) return false;
          try {
            const url = new URL(value);
            return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol);
          } catch {
            return false;
          }
        },
        defaultMessage: () => 'each value in redirect_uris must be an absolute URI without a fragment',
      },
    },
    options,
  );
}

const TTL = { minimum: 1, maximum: 31_536_000, nullable: true, type: Number } as const;

/** Where the application may send the browser back to, each URI registered exactly (at most 20). */
const RedirectUris = (): PropertyDecorator => Stacked(IsOptionalNotNull(), IsArray(), ArrayMaxSize(20), IsRedirectUri({ each: true }));

/** RFC 6749 Appendix A: client_id and client_secret are VSCHAR (printable ASCII). */
const VSCHAR = /^[\x20-\x7e]+$/;
/** A client id is VSCHAR without leading or trailing spaces (which MySQL's comparisons ignore). */
const CLIENT_ID = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

@RejectUnknownFields()
export class CreateApplicationDto {
  @OptionalText(255, {
    description: 'Keep the client id the application has in the system you migrate from (RFC 6749 Appendix A VSCHAR); a UUID is generated when omitted',
    example: '374b1fae-4405-411b-85a0-6e1ab90923ba',
    minLength: 1,
    maxLength: 255,
  })
  @Matches(CLIENT_ID, { message: 'client_id must be printable ASCII (RFC 6749 Appendix A VSCHAR), without leading or trailing spaces' })
  client_id?: string;

  @ApiPropertyOptional({
    writeOnly: true,
    minLength: 8,
    maxLength: 255,
    description:
      'Confidential clients: keep the secret the old system issued (generated when omitted). Shorter than 32 characters, it is stored with argon2id and flagged weak_secret until rotated',
    example: 'ksdSdoefDDP7wpaElfqvmjDue',
  })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(8)
  @MaxLength(255)
  @Matches(VSCHAR, { message: 'client_secret must be printable ASCII (RFC 6749 Appendix A VSCHAR)' })
  client_secret?: string;

  @RequiredText(255, { example: 'Mobile Banking' })
  client_name: string;

  @ApiPropertyOptional({ type: [String], example: ['https://app.example.com/callback'], default: [] })
  @RedirectUris()
  redirect_uris?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['authorization_code', 'refresh_token'],
    description: 'Default: authorization_code and refresh_token when redirect_uris are given, otherwise client_credentials',
  })
  @IsOptionalNotNull()
  @StringArray(20, 255, { notEmpty: true })
  grant_types?: string[];

  @ApiPropertyOptional({
    description:
      'Space-separated scopes the application may request. Reserved scopes (`admin`, for the admin role) may be listed, but are issued only to a user who holds their role when asking for them by name: never by default, never to a token without a user (client_credentials), otherwise `invalid_scope`',
    example: 'read write',
    default: '',
  })
  @ScopeString()
  scope?: string;

  @ApiPropertyOptional({
    type: String,
    description:
      'RFC 7591 §2: `client_secret_basic`, `client_secret_post`, `client_secret_jwt`, `private_key_jwt` (with jwks or jwks_uri), `tls_client_auth` (with one tls_client_auth_* name), `self_signed_tls_client_auth` (with jwks or jwks_uri), `none` (a public client), or a method an extension module registers (the metadata lists them all). Either secret method accepts the secret both ways (RFC 6749 §2.3.1). client_secret_jwt keeps the secret encrypted at rest (the HMAC needs it), so an application can only be created with it, not switched to it',
    example: 'client_secret_basic',
    default: 'client_secret_basic',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(32)
  token_endpoint_auth_method?: TokenEndpointAuthMethod;

  @ApiPropertyOptional({ enum: ['inherit', 'required', 'optional'], default: 'inherit' })
  @IsOptionalNotNull()
  @IsIn(['inherit', 'required', 'optional'])
  pkce?: 'inherit' | 'required' | 'optional';

  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'null: inherit the global setting' })
  @IsOptional()
  @IsBoolean()
  pkce_plain_allowed?: boolean | null;

  @ApiPropertyOptional({ ...TTL, description: 'Seconds; null: the global setting' })
  @NullableLifetime()
  access_token_ttl?: number | null;

  @ApiPropertyOptional({ ...TTL, description: 'Seconds; null: the global setting' })
  @NullableLifetime()
  refresh_token_ttl?: number | null;

  @ApiPropertyOptional({
    enum: ['rotate', 'reuse'],
    default: 'rotate',
    description:
      'rotate: every refresh returns a new refresh token and reuse of a rotated one revokes the family (RFC 9700 §4.14.2); reuse: the same refresh token until it expires, as WSO2 and Spring do by default',
  })
  @IsOptionalNotNull()
  @IsIn(['rotate', 'reuse'])
  refresh_token_rotation?: 'rotate' | 'reuse';

  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.example.com/signed-out'],
    default: [],
    description: 'OpenID Connect RP-Initiated Logout: where the application may send the user after sign-out (exact match)',
  })
  @RedirectUris()
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    enum: ACCESS_TOKEN_FORMATS,
    default: 'opaque',
    description: 'RFC 9068 jwt or opaque access tokens (a resource server named with `resource` decides for its own tokens)',
  })
  @IsOptionalNotNull()
  @IsIn(ACCESS_TOKEN_FORMATS)
  access_token_format?: AccessTokenFormat;

  @ApiPropertyOptional({
    type: [String],
    default: [],
    example: ['https://api.example.com/orders'],
    description: 'RFC 8707: identifiers of the resource servers this application may request tokens for',
  })
  @IsOptionalNotNull()
  @StringArray(50, 255)
  resources?: string[];

  @ApiPropertyOptional({ enum: SIGNING_ALGORITHMS, default: 'RS256', description: "OpenID Connect: the algorithm of this application's ID Tokens" })
  @IsOptionalNotNull()
  @IsIn(SIGNING_ALGORITHMS, { message: `id_token_signed_response_alg must be one of ${SIGNING_ALGORITHMS.join(', ')}` })
  id_token_signed_response_alg?: SigningAlgorithm;

  @ApiPropertyOptional({
    enum: ID_TOKEN_CLAIMS,
    default: 'scope',
    description:
      'OpenID Connect: scope: the ID Token carries the standard claims of its granted scopes (email, name, …); minimal: only those the claims request parameter asks for (the rest at userinfo). The claims parameter is honoured either way',
  })
  @IsOptionalNotNull()
  @IsIn(ID_TOKEN_CLAIMS)
  id_token_claims?: IdTokenClaims;

  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    description:
      'RFC 7591 §2: the public keys of the application (JWK Set) for private_key_jwt and self_signed_tls_client_auth; private members (d, p, q, dp, dq, qi, k) are refused. At most one of jwks and jwks_uri',
    example: {
      keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }],
    },
  })
  @IsOptional()
  @Checked('jwks', jwksProblem)
  jwks?: JwkSet | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'RFC 7591 §2: where the application publishes its JWK Set (https; http only on loopback). Fetched with a timeout and a size limit, cached, fetched again for an unknown kid',
    example: 'https://app.example.com/jwks.json',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Checked('jwks_uri', (value) => jwksUriProblem(String(value)))
  jwks_uri?: string | null;

  @ApiPropertyOptional({
    type: String,
    enum: CLIENT_ASSERTION_ALGORITHMS,
    nullable: true,
    description:
      'OpenID Connect Registration §2: the only JWS algorithm of its client assertions (private_key_jwt: PS256, ES256, EdDSA, RS256; client_secret_jwt: HS256, HS384, HS512); null: any of them',
  })
  @IsOptional()
  @IsIn(CLIENT_ASSERTION_ALGORITHMS)
  token_endpoint_auth_signing_alg?: string | null;

  @NullableString(1024, {
    description: 'RFC 8705 §2.1.2 (tls_client_auth): the subject DN its certificate must have, RFC 4514 form',
    example: 'CN=shop.example.com,O=Example Shop,C=DE',
  })
  tls_client_auth_subject_dn?: string | null;

  @NullableString(255, { description: 'RFC 8705 §2.1.2: a dNSName SAN its certificate must have', example: 'shop.example.com' })
  tls_client_auth_san_dns?: string | null;

  @NullableString(2048, { description: 'RFC 8705 §2.1.2: a uniformResourceIdentifier SAN its certificate must have' })
  tls_client_auth_san_uri?: string | null;

  @ApiPropertyOptional({ ...NAME_FIELD, description: 'RFC 8705 §2.1.2: an iPAddress SAN its certificate must have' })
  @IsOptional()
  @IsIP()
  tls_client_auth_san_ip?: string | null;

  @NullableString(255, { description: 'RFC 8705 §2.1.2: an rfc822Name SAN its certificate must have' })
  tls_client_auth_san_email?: string | null;

  @OptionalFlag({
    default: false,
    description: 'RFC 9449 §5.2: every token request must carry a DPoP proof; the application gets DPoP-bound tokens only',
  })
  dpop_bound_access_tokens?: boolean;

  @OptionalFlag({
    default: false,
    description: 'RFC 8705 §3.4: tokens are bound to the TLS client certificate of the token request (cnf.x5t#S256)',
  })
  tls_client_certificate_bound_access_tokens?: boolean;

  @OptionalFlag({
    default: false,
    description:
      'RFC 9126 §6: the application may start an authorization request only by pushing it to the pushed_authorization_request_endpoint first (the global setting require_pushed_authorization_requests applies to every application)',
  })
  require_pushed_authorization_requests?: boolean;

  @OptionalFlag({
    default: false,
    description:
      'RFC 9101 §10.5: the application must send its authorization requests as request objects signed with a key of its jwks or jwks_uri (the request parameter, or inside a pushed request)',
  })
  require_signed_request_object?: boolean;

  @ApiPropertyOptional({
    enum: FAPI_PROFILES,
    nullable: true,
    default: null,
    description:
      'The security profile the application follows: `fapi2-security` (FAPI 2.0 Security Profile: private_key_jwt or mutual TLS, pushed requests, PKCE S256, sender-constrained tokens, refresh tokens not rotated); null: the server default (FAPI_PROFILE)',
  })
  @IsOptional()
  @IsIn(FAPI_PROFILES)
  fapi_profile?: FapiProfile | null;

  @ApiPropertyOptional({
    enum: MFA_POLICIES,
    nullable: true,
    default: null,
    description:
      'Whether users sign in with a second factor: `off`, `optional` (users who enrolled one), `required` (enrolling first); null: the server default (MFA_DEFAULT)',
  })
  @IsOptional()
  @IsIn(MFA_POLICIES)
  mfa?: MfaPolicy | null;

  @OptionalFlag({ default: true })
  enabled?: boolean;
}

/**
 * Every field optional but the identity; a public client cannot become confidential or the reverse.
 * Null stays refused where the field refuses it (PartialType would otherwise let it through to a NOT NULL column).
 */
@RejectUnknownFields()
export class UpdateApplicationDto extends PartialType(OmitType(CreateApplicationDto, ['client_id', 'client_secret'] as const), {
  skipNullProperties: false,
}) {}

export class ApplicationResponse {
  @ApiProperty({ example: '374b1fae-4405-411b-85a0-6e1ab90923ba' }) client_id: string;
  @ApiProperty({ example: 'Web Shop' }) client_name: string;
  @ApiProperty({ type: [String], example: ['https://shop.example.com/callback'] }) redirect_uris: string[];
  @ApiProperty({ type: [String], example: ['authorization_code', 'refresh_token'] }) grant_types: string[];
  @ApiProperty({ example: 'read write' }) scope: string;
  @ApiProperty({ example: 'client_secret_basic' }) token_endpoint_auth_method: string;
  @ApiProperty({ enum: ['inherit', 'required', 'optional'], example: 'inherit' }) pkce: string;
  @ApiProperty({ type: Boolean, nullable: true, example: null }) pkce_plain_allowed: boolean | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) access_token_ttl: number | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) refresh_token_ttl: number | null;
  @ApiProperty({ enum: ['rotate', 'reuse'], example: 'rotate' }) refresh_token_rotation: string;
  @ApiProperty({ enum: SIGNING_ALGORITHMS, example: 'RS256' }) id_token_signed_response_alg: string;
  @ApiProperty({ enum: ID_TOKEN_CLAIMS, example: 'scope' }) id_token_claims: string;
  @ApiProperty({ type: [String], example: ['https://shop.example.com/signed-out'] }) post_logout_redirect_uris: string[];
  @ApiProperty({ enum: ACCESS_TOKEN_FORMATS, example: 'opaque' }) access_token_format: string;
  @ApiProperty({ type: [String], example: [] }) resources: string[];
  @ApiProperty({ type: Object, nullable: true, example: null, description: 'Public keys (JWK Set)' }) jwks: JwkSet | null;
  @ApiProperty({ type: String, nullable: true, example: null }) jwks_uri: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) token_endpoint_auth_signing_alg: string | null;
  @ApiProperty({ ...NAME_FIELD, example: null }) tls_client_auth_subject_dn: string | null;
  @ApiProperty({ ...NAME_FIELD, example: null }) tls_client_auth_san_dns: string | null;
  @ApiProperty({ ...NAME_FIELD, example: null }) tls_client_auth_san_uri: string | null;
  @ApiProperty({ ...NAME_FIELD, example: null }) tls_client_auth_san_ip: string | null;
  @ApiProperty({ ...NAME_FIELD, example: null }) tls_client_auth_san_email: string | null;
  @ApiProperty({ example: false }) dpop_bound_access_tokens: boolean;
  @ApiProperty({ example: false }) tls_client_certificate_bound_access_tokens: boolean;
  @ApiProperty({ example: false }) require_pushed_authorization_requests: boolean;
  @ApiProperty({ example: false }) require_signed_request_object: boolean;
  @ApiProperty({ enum: FAPI_PROFILES, nullable: true, example: null, description: 'Null: the server default (FAPI_PROFILE)' })
  fapi_profile: FapiProfile | null;
  @ApiProperty({ enum: MFA_POLICIES, nullable: true, example: null, description: 'Null: the server default (MFA_DEFAULT)' })
  mfa: MfaPolicy | null;
  @ApiProperty({ description: 'The secret was imported with fewer than 32 characters; rotate it when the clients can take a new one', example: false })
  weak_secret: boolean;
  @ApiProperty({
    type: [String],
    description:
      'Configuration that is accepted but cannot work, in words for the administrator; empty when there is none. Today: a reserved scope (`admin`, issued only to users with the admin role) listed by an application whose grant types never issue a token for a user (only client_credentials and refresh_token)',
    example: [],
  })
  warnings: string[];
  @ApiProperty({
    type: String,
    enum: ['dynamic', 'metadata_document'],
    nullable: true,
    example: null,
    description: 'null: created by an administrator; dynamic: registered itself (RFC 7591); metadata_document: a Client ID Metadata Document names it',
  })
  registration: string | null;
  @ApiProperty({ example: true }) enabled: boolean;
  @EpochSeconds(1796000000) created_at: number;
  @EpochSeconds(1796000000) updated_at: number;
}

export class CreatedApplicationResponse extends ApplicationResponse {
  @ApiPropertyOptional({
    description: 'A generated secret (confidential clients only); shown once, never again. An imported secret is not echoed',
    example: 'kq3…',
  })
  client_secret?: string;
}

export class ApplicationSecretResponse {
  @ApiProperty({ example: '374b1fae-4405-411b-85a0-6e1ab90923ba' }) client_id: string;
  @ApiProperty({ description: 'Shown once; the previous secret stopped working', example: 'kq3…' }) client_secret: string;
}

export class ApplicationPage extends PageOf(ApplicationResponse) {}

export function toApplicationResponse(client: AuthenticatedClient): ApplicationResponse {
  return {
    ...applicationSettingsOf(client),
    weak_secret: client.weakSecret,
    warnings: applicationWarnings(client),
    registration: client.registration,
    enabled: client.enabled,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

/** What an administrator sets on an application, as the API answers it and the export writes it (never the secret). */
export function applicationSettingsOf(client: AuthenticatedClient) {
  return {
    client_id: client.id,
    client_name: client.clientName,
    redirect_uris: [...client.redirectUris],
    grant_types: [...client.grantTypes],
    scope: client.scope,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    pkce: client.pkce,
    pkce_plain_allowed: client.pkcePlainAllowed,
    access_token_ttl: client.accessTokenTtl,
    refresh_token_ttl: client.refreshTokenTtl,
    refresh_token_rotation: client.refreshTokenRotation,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    id_token_claims: client.idTokenClaims,
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    access_token_format: client.accessTokenFormat,
    resources: [...client.resources],
    jwks: client.jwks,
    jwks_uri: client.jwksUri,
    token_endpoint_auth_signing_alg: client.tokenEndpointAuthSigningAlg,
    tls_client_auth_subject_dn: client.tlsClientAuthSubjectDn,
    tls_client_auth_san_dns: client.tlsClientAuthSanDns,
    tls_client_auth_san_uri: client.tlsClientAuthSanUri,
    tls_client_auth_san_ip: client.tlsClientAuthSanIp,
    tls_client_auth_san_email: client.tlsClientAuthSanEmail,
    dpop_bound_access_tokens: client.dpopBoundAccessTokens,
    tls_client_certificate_bound_access_tokens: client.tlsClientCertificateBoundAccessTokens,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    require_signed_request_object: client.requireSignedRequestObject,
    fapi_profile: client.fapiProfile,
    mfa: client.mfa,
  };
}
