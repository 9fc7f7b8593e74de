import { IsOptionalNotNull } from '../../../common/http/optional';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class PasswordRequest {
  @IsString() @IsNotEmpty() @MaxLength(255)
  username: string;

  @IsString() @IsNotEmpty() @MaxLength(1024)
  password: string;

  @IsOptionalNotNull() @IsString() @MaxLength(2048)
  scope?: string;

  /** RFC 8707: the resource server the access token is for (its registered identifier). */
  @IsOptionalNotNull() @IsString() @MaxLength(255)
  resource?: string;
}
