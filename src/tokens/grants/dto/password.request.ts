import { ApiProperty } from '@nestjs/swagger';
import { OptionalString } from '../../../common/http/optional';
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

  @OptionalString(2048, { description: 'Space-separated; default: every scope of the application (RFC 6749 §3.3)' })
  scope?: string;

  @OptionalString(255, { description: 'RFC 8707: the resource server the access token is for (its registered identifier)' })
  resource?: string;
}
