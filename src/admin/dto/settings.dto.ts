import { RejectUnknownFields } from '../../common/http/validation';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';
import type { GlobalSettings } from '../../settings/settings.service';
import { OptionalFlag, OptionalInteger, Stacked } from './fields';

/** A host name (letters, digits, dots, dashes, an IPv4 address), `*.` and a domain, or `*`; lower case. */
const HOST_PATTERN = /^(\*|(\*\.)?[a-z0-9]([a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63})$/;

/** A default lifetime: whole seconds from 1 to `max`, never null. */
const Lifetime = (max: number, example: number): PropertyDecorator => OptionalInteger(1, max, { minimum: 1, maximum: max, example });

/** Up to 100 host patterns; null goes back to the environment's list (validation only). */
const HostPatterns = (): PropertyDecorator =>
  Stacked(IsOptional(), IsArray(), ArrayMaxSize(100), Matches(HOST_PATTERN, { each: true, message: 'each host must be a host name, *.domain or *' }));

@RejectUnknownFields()
export class UpdateSettingsDto {
  @OptionalFlag({ description: 'Enforce PKCE for applications that inherit' })
  pkce_required?: boolean;

  @OptionalFlag({ description: 'Accept code_challenge_method=plain from applications that inherit' })
  pkce_plain_allowed?: boolean;

  @Lifetime(31_536_000, 3600)
  access_token_ttl?: number;

  @Lifetime(31_536_000, 1_209_600)
  refresh_token_ttl?: number;

  @Lifetime(600, 300)
  authorization_code_ttl?: number;

  @OptionalFlag({ description: 'RFC 9126 §5: every application must push its authorization requests first (pushed_authorization_request_endpoint)' })
  require_pushed_authorization_requests?: boolean;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    maxItems: 100,
    example: ['app.example.com', '*.agents.example.net'],
    description:
      'Hosts whose Client ID Metadata Documents are accepted: a host, `*.example.com` for its subdomains, `*` for any host. null: back to CLIENT_ID_METADATA_DOCUMENT_ALLOWED_HOSTS (unset there: any host).',
  })
  @HostPatterns()
  client_id_metadata_document_allowed_hosts?: string[] | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    maxItems: 100,
    example: ['blocked.example.com'],
    description: 'Hosts whose documents are refused, in the same form, checked first. null: back to CLIENT_ID_METADATA_DOCUMENT_DENIED_HOSTS.',
  })
  @HostPatterns()
  client_id_metadata_document_denied_hosts?: string[] | null;
}

export class SettingsResponse {
  @ApiProperty() pkce_required: boolean;
  @ApiProperty() pkce_plain_allowed: boolean;
  @ApiProperty({ example: 3600 }) access_token_ttl: number;
  @ApiProperty({ example: 1_209_600 }) refresh_token_ttl: number;
  @ApiProperty({ example: 300 }) authorization_code_ttl: number;
  @ApiProperty({ example: false }) require_pushed_authorization_requests: boolean;
  @ApiProperty({ type: [String], nullable: true, example: ['app.example.com', '*.agents.example.net'], description: 'null: the environment’s list applies' })
  client_id_metadata_document_allowed_hosts: string[] | null;
  @ApiProperty({ type: [String], nullable: true, example: null, description: 'null: the environment’s list applies' })
  client_id_metadata_document_denied_hosts: string[] | null;
}

export function toSettingsResponse(settings: GlobalSettings): SettingsResponse {
  return {
    pkce_required: settings.pkceRequired,
    pkce_plain_allowed: settings.pkcePlainAllowed,
    access_token_ttl: settings.accessTokenTtl,
    refresh_token_ttl: settings.refreshTokenTtl,
    authorization_code_ttl: settings.authorizationCodeTtl,
    require_pushed_authorization_requests: settings.requirePushedAuthorizationRequests,
    client_id_metadata_document_allowed_hosts: settings.metadataDocumentAllowedHosts,
    client_id_metadata_document_denied_hosts: settings.metadataDocumentDeniedHosts,
  };
}
