import type { ClientAuthenticationMethod, ClientAuthenticationRequest, PresentedClient, StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { CLIENT_ID_PRESENTATION, presentedClientId } from './client-id-presentation';

/**
 * `none` (RFC 7591 §2): a public client names itself with client_id and proves nothing (RFC 6749
 * §2.1); what protects its grants is PKCE and the exact redirect URI. Only a client registered
 * for `none` is accepted this way: a confidential client must prove its credential.
 */
@ClientAuthenticationMethodProvider()
export class NoneMethod implements ClientAuthenticationMethod {
  readonly name = 'none';
  readonly credential = 'none';
  readonly presentation = CLIENT_ID_PRESENTATION;

  present(request: ClientAuthenticationRequest): PresentedClient | null {
    const clientId = presentedClientId(request);
    return clientId === null ? null : { clientId };
  }

  async verify(_presented: PresentedClient, stored: StoredClient): Promise<boolean> {
    return stored.client.isPublic;
  }
}
