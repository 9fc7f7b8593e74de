import { OptionalString } from '../../../common/http/optional';
import { RequiredString, ResourceParameter } from './token-parameters';

export class PasswordRequest {
  @RequiredString(255)
  username: string;

  @RequiredString(1024, { format: 'password' })
  password: string;

  @OptionalString(2048, { description: 'Space-separated; default: every scope of the application (RFC 6749 §3.3)' })
  scope?: string;

  @ResourceParameter()
  resource?: string;
}
