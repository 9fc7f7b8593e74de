import { IsOptionalNotNull } from '../../../common/http/optional';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RefreshTokenRequest {
  @IsString() @IsNotEmpty() @MaxLength(512)
  refresh_token: string;

  @IsOptionalNotNull() @IsString() @MaxLength(2048)
  scope?: string;

  /** RFC 8707: the resource server the access token is for (its registered identifier). */
  @IsOptionalNotNull() @IsString() @MaxLength(255)
  resource?: string;
}
