import { Injectable } from '@nestjs/common';
import { ClientKeys } from '../client-keys';
import type { ClientAuthenticationMethod, ClientAuthenticationRequest, StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { ClientAssertionVerifier, type PresentedAssertion, presentAssertion, PRIVATE_KEY_JWT_ALGORITHMS } from './client-assertion';

/**
 * `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9): a JWT signed with a key of the
 * client's registered `jwks` or `jwks_uri`, with an asymmetric algorithm (never `none`, never HMAC),
 * the application's `token_endpoint_auth_signing_alg` when it registered one.
 */
@Injectable()
@ClientAuthenticationMethodProvider()
export class PrivateKeyJwtMethod implements ClientAuthenticationMethod<PresentedAssertion> {
  readonly name = 'private_key_jwt';
  readonly signingAlgorithms = PRIVATE_KEY_JWT_ALGORITHMS;
  readonly credential = 'private_key';

  constructor(
    private readonly keys: ClientKeys,
    private readonly assertions: ClientAssertionVerifier,
  ) {}

  present(request: ClientAuthenticationRequest): PresentedAssertion | null {
    return presentAssertion(request, PRIVATE_KEY_JWT_ALGORITHMS);
  }

  verify(presented: PresentedAssertion, stored: StoredClient): Promise<boolean> {
    const { client } = stored;
    return this.assertions.verify(
      presented,
      client.id,
      this.keys.keySet(client),
      allowedAlgorithms(PRIVATE_KEY_JWT_ALGORITHMS, client.tokenEndpointAuthSigningAlg),
    );
  }
}

/** The algorithms of `offered` a client may use: its registered one alone when it registered one. */
export function allowedAlgorithms(offered: readonly string[], registered: string | null): readonly string[] {
  return registered === null ? offered : offered.filter((alg) => alg === registered);
}
