import { IsOptionalNotNull } from '../../../common/http/optional';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class AuthorizationCodeRequest {
  @IsString() @IsNotEmpty() @MaxLength(512)
  code: string;

  @IsOptionalNotNull() @IsString() @MaxLength(2048)
  redirect_uri?: string;

  @IsOptionalNotNull() @IsString() @MaxLength(512)
  code_verifier?: string;

  /** RFC 8707: the resource server the access token is for (its registered identifier). */
  @IsOptionalNotNull() @IsString() @MaxLength(255)
  resource?: string;
}
