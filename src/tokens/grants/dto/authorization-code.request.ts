import { ApiProperty } from '@nestjs/swagger';
import { OptionalString } from '../../../common/http/optional';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class AuthorizationCodeRequest {
  @ApiProperty({ description: 'The authorization code (RFC 6749 §4.1.3)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  code: string;

  @OptionalString(2048, { description: 'Required when it was sent at authorize, and then identical (RFC 6749 §4.1.3)' })
  redirect_uri?: string;

  @OptionalString(512, { description: 'PKCE (RFC 7636 §4.5): required when a code_challenge was sent at authorize, refused otherwise' })
  code_verifier?: string;

  @OptionalString(255, { description: 'RFC 8707: the resource server the access token is for (its registered identifier)' })
  resource?: string;
}
