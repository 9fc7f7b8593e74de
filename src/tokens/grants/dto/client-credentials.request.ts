import { OptionalString } from '../../../common/http/optional';
import { ResourceParameter } from './token-parameters';

export class ClientCredentialsRequest {
  @OptionalString(2048, { description: 'Space-separated; default: every scope of the application (RFC 6749 §3.3)' })
  scope?: string;

  @ResourceParameter()
  resource?: string;
}
