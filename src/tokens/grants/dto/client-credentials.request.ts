import { OptionalString } from '../../../common/http/optional';

export class ClientCredentialsRequest {
  @OptionalString(2048, { description: 'Space-separated; default: every scope of the application (RFC 6749 §3.3)' })
  scope?: string;

  @OptionalString(255, { description: 'RFC 8707: the resource server the access token is for (its registered identifier)' })
  resource?: string;
}
