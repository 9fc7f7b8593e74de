import type { ClientAuthenticationMethod, ClientAuthenticationRequest, PresentedClient, StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { clientSecretMatches } from './client-secret';

interface PresentedSecret extends PresentedClient {
  readonly clientSecret: string;
}

/** `client_secret_post` (RFC 6749 §2.3.1): client_id and client_secret among the request parameters. */
@ClientAuthenticationMethodProvider()
export class ClientSecretPostMethod implements ClientAuthenticationMethod<PresentedSecret> {
  readonly name = 'client_secret_post';
  readonly credential = 'client_secret';

  present({ parameters }: ClientAuthenticationRequest): PresentedSecret | null {
    const { client_id: clientId, client_secret: clientSecret } = parameters;
    if (clientSecret === undefined) return null;
    // With Basic as well, Basic names the client (the registry refuses the two together).
    return { clientId: clientId ?? '', clientSecret };
  }

  verify(presented: PresentedSecret, stored: StoredClient): Promise<boolean> {
    return clientSecretMatches(stored.secretHash, presented.clientSecret);
  }
}
