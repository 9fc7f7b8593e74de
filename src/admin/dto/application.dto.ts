import { IsOptionalNotNull } from '../../common/http/optional';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import type { AuthenticatedClient } from '../../clients/clients.service';

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

const SCOPE_STRING = /^([\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*)?$/;
const TTL = { minimum: 1, maximum: 31_536_000, nullable: true, type: Number } as const;

export class CreateApplicationDto {
  @ApiProperty({ example: 'Mobile Banking' })
  @IsString() @MinLength(1) @MaxLength(255)
  client_name: string;

  @ApiPropertyOptional({ type: [String], example: ['https://app.example.com/callback'], default: [] })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(20) @IsRedirectUri({ each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String], example: ['authorization_code', 'refresh_token'], default: ['authorization_code', 'refresh_token'] })
  @IsOptionalNotNull() @IsArray() @ArrayNotEmpty() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(255, { each: true })
  grant_types?: string[];

  @ApiPropertyOptional({ description: 'Space-separated scopes the application may request', example: 'read write', default: '' })
  @IsOptionalNotNull() @IsString() @MaxLength(2048) @Matches(SCOPE_STRING, { message: 'scope must be space-separated scope tokens (RFC 6749 §3.3)' })
  scope?: string;

  @ApiPropertyOptional({ enum: ['client_secret_basic', 'client_secret_post', 'none'], default: 'client_secret_basic' })
  @IsOptionalNotNull() @IsIn(['client_secret_basic', 'client_secret_post', 'none'])
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none';

  @ApiPropertyOptional({ enum: ['inherit', 'required', 'optional'], default: 'inherit' })
  @IsOptionalNotNull() @IsIn(['inherit', 'required', 'optional'])
  pkce?: 'inherit' | 'required' | 'optional';

  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'null: inherit the global setting' })
  @IsOptional() @IsBoolean()
  pkce_plain_allowed?: boolean | null;

  @ApiPropertyOptional({ ...TTL, description: 'Seconds; null: the global setting' })
  @IsOptional() @IsInt() @Min(1) @Max(31_536_000)
  access_token_ttl?: number | null;

  @ApiPropertyOptional({ ...TTL, description: 'Seconds; null: the global setting' })
  @IsOptional() @IsInt() @Min(1) @Max(31_536_000)
  refresh_token_ttl?: number | null;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull() @IsBoolean()
  enabled?: boolean;
}

/** Every field optional; a public client cannot become confidential or the reverse. */
export class UpdateApplicationDto extends PartialType(CreateApplicationDto) {}

export class ApplicationResponse {
  @ApiProperty({ example: '374b1fae-4405-411b-85a0-6e1ab90923ba' }) client_id: string;
  @ApiProperty({ example: 'Web Shop' }) client_name: string;
  @ApiProperty({ type: [String], example: ['https://shop.example.com/callback'] }) redirect_uris: string[];
  @ApiProperty({ type: [String], example: ['authorization_code', 'refresh_token'] }) grant_types: string[];
  @ApiProperty({ example: 'read write' }) scope: string;
  @ApiProperty({ enum: ['client_secret_basic', 'client_secret_post', 'none'], example: 'client_secret_basic' }) token_endpoint_auth_method: string;
  @ApiProperty({ enum: ['inherit', 'required', 'optional'], example: 'inherit' }) pkce: string;
  @ApiProperty({ type: Boolean, nullable: true, example: null }) pkce_plain_allowed: boolean | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) access_token_ttl: number | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) refresh_token_ttl: number | null;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ description: 'Epoch seconds', example: 1796000000 }) created_at: number;
  @ApiProperty({ description: 'Epoch seconds', example: 1796000000 }) updated_at: number;
}

export class CreatedApplicationResponse extends ApplicationResponse {
  @ApiPropertyOptional({ description: 'Confidential clients only; shown once, never again', example: 'kq3…' })
  client_secret?: string;
}

export class ApplicationSecretResponse {
  @ApiProperty({ example: '374b1fae-4405-411b-85a0-6e1ab90923ba' }) client_id: string;
  @ApiProperty({ description: 'Shown once; the previous secret stopped working', example: 'kq3…' }) client_secret: string;
}

export class ApplicationPage {
  @ApiProperty({ type: [ApplicationResponse] }) items: ApplicationResponse[];
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 50 }) per_page: number;
  @ApiProperty({ example: 1 }) total: number;
}

export function toApplicationResponse(client: AuthenticatedClient): ApplicationResponse {
  return {
    client_id: client.id,
    client_name: client.clientName,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    scope: client.scope,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    pkce: client.pkce,
    pkce_plain_allowed: client.pkcePlainAllowed,
    access_token_ttl: client.accessTokenTtl,
    refresh_token_ttl: client.refreshTokenTtl,
    enabled: client.enabled,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}
