import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptionalNotNull } from '../../../common/http/optional';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class PasswordRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  username: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ description: 'Space-separated; default: every scope of the application (RFC 6749 §3.3)' })
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
