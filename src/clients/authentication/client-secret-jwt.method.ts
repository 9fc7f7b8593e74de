import { randomBytes } from 'node:crypto';
import { ClientSecretSealer } from '../client-secret-sealer';
import { CLIENT_SECRET_JWT } from '../clients.service';
import type { StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { AssertionMethod, CLIENT_SECRET_JWT_ALGORITHMS, ClientAssertionVerifier } from './client-assertion';

/**
 * `client_secret_jwt` (OpenID Connect Core §9): a JWT with an HMAC (HS256, HS384, HS512) keyed with
 * the client secret. Only clients registered for it have the secret kept (encrypted, see
 * ClientSecretSealer); a client of another method, or whose secret was imported as a hash, cannot use it.
 */
@ClientAuthenticationMethodProvider()
export class ClientSecretJwtMethod extends AssertionMethod {
  readonly name = CLIENT_SECRET_JWT;
  readonly credential = 'client_secret_jwt';
  readonly signingAlgorithms = CLIENT_SECRET_JWT_ALGORITHMS;

  constructor(
    private readonly sealer: ClientSecretSealer,
    assertions: ClientAssertionVerifier,
  ) {
    super(assertions);
  }

  protected keyOf({ client, secretEncrypted }: StoredClient): Uint8Array {
    // Without a readable secret, a random key: the same work, and a verification that cannot succeed.
    if (secretEncrypted === null) return randomBytes(32);
    try {
      return Buffer.from(this.sealer.open(secretEncrypted, client.id), 'utf8');
    } catch {
      return randomBytes(32);
    }
  }
}
