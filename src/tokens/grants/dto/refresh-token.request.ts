import { OptionalString } from '../../../common/http/optional';
import { RequiredString, ResourceParameter } from './token-parameters';

export class RefreshTokenRequest {
  @RequiredString(512)
  refresh_token: string;

  @OptionalString(2048, { description: 'Space-separated; may only narrow the original grant (RFC 6749 §6)' })
  scope?: string;

  @ResourceParameter()
  resource?: string;
}
