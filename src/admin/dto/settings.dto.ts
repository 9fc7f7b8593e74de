import { RejectUnknownFields } from '../../common/http/validation';
import { IsOptionalNotNull } from '../../common/http/optional';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import type { GlobalSettings } from '../../settings/settings.service';

@RejectUnknownFields()
export class UpdateSettingsDto {
  @ApiPropertyOptional({ description: 'Enforce PKCE for applications that inherit' })
  @IsOptionalNotNull()
  @IsBoolean()
  pkce_required?: boolean;

  @ApiPropertyOptional({ description: 'Accept code_challenge_method=plain from applications that inherit' })
  @IsOptionalNotNull()
  @IsBoolean()
  pkce_plain_allowed?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 31_536_000, example: 3600 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  access_token_ttl?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 31_536_000, example: 1_209_600 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  refresh_token_ttl?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 600, example: 300 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(600)
  authorization_code_ttl?: number;

  @ApiPropertyOptional({ description: 'RFC 9126 §5: every application must push its authorization requests first (pushed_authorization_request_endpoint)' })
  @IsOptionalNotNull()
  @IsBoolean()
  require_pushed_authorization_requests?: boolean;
}

export class SettingsResponse {
  @ApiProperty() pkce_required: boolean;
  @ApiProperty() pkce_plain_allowed: boolean;
  @ApiProperty({ example: 3600 }) access_token_ttl: number;
  @ApiProperty({ example: 1_209_600 }) refresh_token_ttl: number;
  @ApiProperty({ example: 300 }) authorization_code_ttl: number;
  @ApiProperty({ example: false }) require_pushed_authorization_requests: boolean;
}

export function toSettingsResponse(settings: GlobalSettings): SettingsResponse {
  return {
    pkce_required: settings.pkceRequired,
    pkce_plain_allowed: settings.pkcePlainAllowed,
    access_token_ttl: settings.accessTokenTtl,
    refresh_token_ttl: settings.refreshTokenTtl,
    authorization_code_ttl: settings.authorizationCodeTtl,
    require_pushed_authorization_requests: settings.requirePushedAuthorizationRequests,
  };
}
