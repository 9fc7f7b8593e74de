import { OAuthError } from '../../common/oauth/oauth-error';
import type { ClientAuthenticationMethod, ClientAuthenticationRequest, PresentedClient, StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { clientSecretMatches } from './client-secret';
import { formUrlDecode } from './form-url-decode';

interface PresentedSecret extends PresentedClient {
  readonly clientSecret: string;
}

const BASIC = /^Basic[ ]+([A-Za-z0-9+/=._~-]*)[ ]*$/i;

/**
 * `client_secret_basic` (RFC 6749 §2.3.1): HTTP Basic, whose user and password are each
 * form-urlencoded before base64, split at the first colon.
 */
@ClientAuthenticationMethodProvider()
export class ClientSecretBasicMethod implements ClientAuthenticationMethod<PresentedSecret> {
  readonly name = 'client_secret_basic';
  readonly credential = 'client_secret';
  readonly authorizationScheme = 'Basic';

  present({ headers, parameters }: ClientAuthenticationRequest): PresentedSecret | null {
    const authorization = headers.authorization;
    if (typeof authorization !== 'string' || !/^Basic /i.test(authorization)) return null;
    const match = BASIC.exec(authorization);
    if (!match) throw new OAuthError('invalid_client', 'malformed client credentials');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'malformed client credentials');
    const clientId = formUrlDecode(decoded.slice(0, colon));
    // webMethods sends client_id in the JSON body as well as in Basic; they must agree.
    if (parameters.client_id !== undefined && parameters.client_id !== clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
    }
    return { clientId, clientSecret: formUrlDecode(decoded.slice(colon + 1)) };
  }

  verify(presented: PresentedSecret, stored: StoredClient): Promise<boolean> {
    return clientSecretMatches(stored.secretHash, presented.clientSecret);
  }
}
