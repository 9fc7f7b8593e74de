import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptionalNotNull } from '../../../common/http/optional';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class AuthorizationCodeRequest {
  @ApiProperty({ description: 'The authorization code (RFC 6749 §4.1.3)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  code: string;

  @ApiPropertyOptional({ description: 'Required when it was sent at authorize, and then identical (RFC 6749 §4.1.3)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2048)
  redirect_uri?: string;

  @ApiPropertyOptional({ description: 'PKCE (RFC 7636 §4.5): required when a code_challenge was sent at authorize, refused otherwise' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(512)
  code_verifier?: string;

  @ApiPropertyOptional({ description: 'RFC 8707: the resource server the access token is for (its registered identifier)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  resource?: string;
}
