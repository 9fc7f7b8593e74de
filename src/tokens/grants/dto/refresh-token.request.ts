import { OptionalString } from '../../../common/http/optional';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RefreshTokenRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  refresh_token: string;

  @OptionalString(2048, { description: 'Space-separated; may only narrow the original grant (RFC 6749 §6)' })
  scope?: string;

  @OptionalString(255, { description: 'RFC 8707: the resource server the access token is for (its registered identifier)' })
  resource?: string;
}
