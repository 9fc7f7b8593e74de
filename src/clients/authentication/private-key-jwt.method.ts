import { ClientKeys } from '../client-keys';
import type { StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { type AssertionKey, AssertionMethod, ClientAssertionVerifier, PRIVATE_KEY_JWT_ALGORITHMS } from './client-assertion';

/**
 * `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9): a JWT signed with a key of the
 * client's registered `jwks` or `jwks_uri`, with an asymmetric algorithm (never `none`, never HMAC),
 * the application's `token_endpoint_auth_signing_alg` when it registered one.
 */
@ClientAuthenticationMethodProvider()
export class PrivateKeyJwtMethod extends AssertionMethod {
  readonly name = 'private_key_jwt';
  readonly credential = 'private_key';
  readonly signingAlgorithms = PRIVATE_KEY_JWT_ALGORITHMS;

  constructor(
    private readonly keys: ClientKeys,
    assertions: ClientAssertionVerifier,
  ) {
    super(assertions);
  }

  protected keyOf({ client }: StoredClient): AssertionKey {
    if (!client.jwks && !client.jwksUri) return null;
    return (hint) => this.keys.verificationKeys(client, hint);
  }
}
