import { IsOptionalNotNull } from '../../../common/http/optional';
import { IsString, MaxLength } from 'class-validator';

export class ClientCredentialsRequest {
  @IsOptionalNotNull() @IsString() @MaxLength(2048)
  scope?: string;

  /** RFC 8707: the resource server the access token is for (its registered identifier). */
  @IsOptionalNotNull() @IsString() @MaxLength(255)
  resource?: string;
}
