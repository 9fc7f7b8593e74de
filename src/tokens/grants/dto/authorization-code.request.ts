import { OptionalString } from '../../../common/http/optional';
import { RequiredString, ResourceParameter } from './token-parameters';

export class AuthorizationCodeRequest {
  @RequiredString(512, { description: 'The authorization code (RFC 6749 §4.1.3)' })
  code: string;

  @OptionalString(2048, { description: 'Required when it was sent at authorize, and then identical (RFC 6749 §4.1.3)' })
  redirect_uri?: string;

  @OptionalString(512, { description: 'PKCE (RFC 7636 §4.5): required when a code_challenge was sent at authorize, refused otherwise' })
  code_verifier?: string;

  @ResourceParameter()
  resource?: string;
}
