import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { EpochSeconds, Nested, OptionalFlag, OptionalPattern, OptionalText, RequiredText } from '../../admin/dto/fields';
import { IsOptionalNotNull } from '../../common/http/optional';
import { RejectUnknownFields } from '../../common/http/validation';
import type { UpstreamProviderEntity } from '../upstream-provider.entity';

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
const CLAIM_NAME = /^[\x21-\x7e]{1,64}$/;

export class ClaimMappingDto {
  @OptionalPattern(CLAIM_NAME, {
    default: 'sub',
    description: 'The upstream claim that identifies the user there (never reassigned: OpenID Connect Core §5.7 says only sub is)',
  })
  subject?: string;

  @OptionalPattern(CLAIM_NAME, { default: 'email' })
  email?: string;

  @OptionalPattern(CLAIM_NAME, { default: 'name' })
  name?: string;
}

@RejectUnknownFields()
export class CreateIdentityProviderDto {
  @ApiProperty({ example: 'corp', description: 'Short stable name (letters, digits, - and _): the prefix of the usernames it provisions' })
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'alias must be 1-64 lower-case letters, digits, - or _' })
  alias: string;

  @RequiredText(255, { example: 'Corporate SSO', description: 'The login page shows a button "Sign in with <display_name>"' })
  display_name: string;

  @ApiProperty({ example: 'https://login.example.com', description: 'The issuer; its metadata is discovered (OpenID Connect Discovery 1.0)' })
  @IsString()
  @MaxLength(1024)
  @Matches(/^https?:\/\/[^\s#?]+$/, { message: 'issuer must be an http(s) URL without query or fragment' })
  issuer: string;

  @RequiredText(255, { example: 'our-client-id-there' })
  client_id: string;

  @ApiPropertyOptional({ enum: CLIENT_AUTH_METHODS, default: 'client_secret_basic' })
  @IsOptionalNotNull()
  @IsIn(CLIENT_AUTH_METHODS)
  client_auth_method?: (typeof CLIENT_AUTH_METHODS)[number];

  @OptionalText(1024, { description: 'The client secret (client_secret_basic/post); write-only, stored encrypted' })
  client_secret?: string;

  @ApiPropertyOptional({ description: 'The private JWK (with kid and alg) for private_key_jwt; write-only, stored encrypted', type: Object })
  @IsOptionalNotNull()
  @IsObject()
  private_key_jwk?: Record<string, unknown>;

  @ApiPropertyOptional({ default: 'openid email profile' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1024)
  @Matches(/(^| )openid( |$)/, { message: 'scope must include openid' })
  scope?: string;

  @Nested(ClaimMappingDto)
  claim_mapping?: ClaimMappingDto;

  @ApiPropertyOptional({ type: [String], example: ['example.com'], description: 'Only users whose e-mail is in one of these domains may sign in; empty: any' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[a-z0-9.-]+\.[a-z]{2,}$/i, { each: true, message: 'allowed_email_domains must be domain names' })
  allowed_email_domains?: string[];

  @OptionalFlag({
    default: false,
    description: 'Record the upstream\'s amr and acr as the session\'s, carried into our codes and tokens (else no amr and acr "0")',
  })
  trust_upstream_amr?: boolean;

  @OptionalFlag({ default: true, description: 'Create a local user at the first sign-in of someone unknown here' })
  jit_provisioning?: boolean;

  @OptionalFlag({ default: false, description: "After signing out here, send the browser to the upstream's end_session_endpoint" })
  upstream_end_session?: boolean;

  @OptionalFlag({ default: true })
  enabled?: boolean;
}

@RejectUnknownFields()
export class UpdateIdentityProviderDto extends PartialType(CreateIdentityProviderDto) {}

@RejectUnknownFields()
export class CreateFederatedLinkDto {
  @ApiProperty({ description: 'The local user', example: '0193a5b2-7c1e-7d4a-9f3e-2b8c4d6e8f10' })
  @IsString()
  @MaxLength(36)
  user_id: string;

  @RequiredText(255, { description: "The user's subject at the upstream provider (the mapped subject claim)", example: '248289761001' })
  subject: string;
}

export class FederatedLinkResponse {
  @ApiProperty() id: string;
  @ApiProperty() provider_id: string;
  @ApiProperty({ example: '248289761001' }) subject: string;
  @ApiProperty({ example: '0193a5b2-7c1e-7d4a-9f3e-2b8c4d6e8f10' }) user_id: string;
  @ApiProperty({ enum: ['provisioned', 'verified_email', 'admin'], example: 'admin' }) linked_by: string;
  @EpochSeconds() created_at: number;
}

export class IdentityProviderResponse {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'corp' }) alias: string;
  @ApiProperty({ example: 'Corporate SSO' }) display_name: string;
  @ApiProperty({ example: 'https://login.example.com' }) issuer: string;
  @ApiProperty() client_id: string;
  @ApiProperty({ enum: CLIENT_AUTH_METHODS }) client_auth_method: string;
  @ApiProperty() scope: string;
  @ApiProperty({ type: ClaimMappingDto }) claim_mapping: { subject: string; email: string; name: string };
  @ApiProperty({ type: [String] }) allowed_email_domains: string[];
  @ApiProperty() trust_upstream_amr: boolean;
  @ApiProperty() jit_provisioning: boolean;
  @ApiProperty() upstream_end_session: boolean;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ enum: ['oidc', 'saml'], description: 'saml: see GET /admin/saml-identity-providers/{id} for its SAML settings' }) protocol: string;
  @ApiProperty({ description: 'Where the provider must send the browser back (register it there)' }) redirect_uri: string;
  @ApiProperty({ description: "Where the provider's end session sends the browser back (register it there as a post-logout redirect URI)" })
  post_logout_redirect_uri: string;
  @EpochSeconds() created_at: number;
  @EpochSeconds() updated_at: number;
}

export function toIdentityProviderResponse(entity: UpstreamProviderEntity, redirectUri: string, postLogoutRedirectUri: string): IdentityProviderResponse {
  return {
    id: entity.id,
    alias: entity.alias,
    display_name: entity.displayName,
    issuer: entity.issuer,
    client_id: entity.clientId,
    client_auth_method: entity.clientAuthMethod,
    scope: entity.scope,
    claim_mapping: entity.claimMapping,
    allowed_email_domains: entity.allowedEmailDomains,
    trust_upstream_amr: entity.trustUpstreamAmr,
    jit_provisioning: entity.jitProvisioning,
    upstream_end_session: entity.upstreamEndSession,
    enabled: entity.enabled,
    // Rows inserted by the OpenID Connect API take the column's default.
    protocol: entity.protocol ?? 'oidc',
    redirect_uri: redirectUri,
    post_logout_redirect_uri: postLogoutRedirectUri,
    created_at: entity.createdAt,
    updated_at: entity.updatedAt,
  };
}
