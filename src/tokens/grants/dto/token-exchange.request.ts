import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { IsOptionalNotNull, OptionalString } from '../public-api';

/** RFC 8693 §3: the only token type this server accepts and issues in an exchange. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** RFC 8693 §2.1. `audience` and `resource` are single values here (a repeated parameter is refused centrally). */
export class TokenExchangeRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  subject_token: string;

  @IsIn([ACCESS_TOKEN_TYPE], { message: `subject_token_type must be ${ACCESS_TOKEN_TYPE}` })
  subject_token_type: string;

  @ApiPropertyOptional({ description: 'RFC 8693 §2.1: an access token of this server naming the acting party (delegation)' })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  actor_token?: string;

  @ApiPropertyOptional({ description: 'RFC 8693 §2.1: required when actor_token is sent' })
  @ValidateIf((request: TokenExchangeRequest) => request.actor_token !== undefined || request.actor_token_type !== undefined)
  @IsIn([ACCESS_TOKEN_TYPE], { message: `actor_token_type must be ${ACCESS_TOKEN_TYPE} when actor_token is sent` })
  actor_token_type?: string;

  @OptionalString(2048, { description: 'Space-separated; may only narrow the subject token’s scope' })
  scope?: string;

  @OptionalString(255, { description: 'RFC 8707: a registered resource server this application may use; the token’s audience' })
  resource?: string;

  @OptionalString(255, { description: 'RFC 8693 §2.1: a logical name of the target service, recorded in the audit trail' })
  audience?: string;

  @IsOptionalNotNull()
  @IsIn([ACCESS_TOKEN_TYPE], { message: `requested_token_type must be ${ACCESS_TOKEN_TYPE}` })
  requested_token_type?: string;
}
