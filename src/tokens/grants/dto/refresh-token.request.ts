import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptionalNotNull } from '../../../common/http/optional';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RefreshTokenRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  refresh_token: string;

  @ApiPropertyOptional({ description: 'Space-separated; may only narrow the original grant (RFC 6749 §6)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2048)
  scope?: string;

  @ApiPropertyOptional({ description: 'RFC 8707: the resource server the access token is for (its registered identifier)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  resource?: string;
}
