import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ClientSecretSealer } from '../client-secret-sealer';
import { CLIENT_SECRET_JWT } from '../clients.service';
import type { ClientAuthenticationMethod, ClientAuthenticationRequest, StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { CLIENT_SECRET_JWT_ALGORITHMS, ClientAssertionVerifier, type PresentedAssertion, presentAssertion } from './client-assertion';
import { allowedAlgorithms } from './private-key-jwt.method';

/**
 * `client_secret_jwt` (OpenID Connect Core §9): a JWT with an HMAC (HS256, HS384, HS512) keyed with
 * the client secret. Only clients registered for it have the secret kept (encrypted, see
 * ClientSecretSealer); a client of another method, or whose secret was imported as a hash, cannot use it.
 */
@Injectable()
@ClientAuthenticationMethodProvider()
export class ClientSecretJwtMethod implements ClientAuthenticationMethod<PresentedAssertion> {
  readonly name = CLIENT_SECRET_JWT;
  readonly signingAlgorithms = CLIENT_SECRET_JWT_ALGORITHMS;
  readonly credential = 'client_secret_jwt';

  constructor(
    private readonly sealer: ClientSecretSealer,
    private readonly assertions: ClientAssertionVerifier,
  ) {}

  present(request: ClientAuthenticationRequest): PresentedAssertion | null {
    return presentAssertion(request, CLIENT_SECRET_JWT_ALGORITHMS);
  }

  verify(presented: PresentedAssertion, stored: StoredClient): Promise<boolean> {
    const { client, secretEncrypted } = stored;
    let key: Uint8Array;
    try {
      // Without a secret, a random key: the same work, and a verification that cannot succeed.
      key = secretEncrypted === null ? randomBytes(32) : Buffer.from(this.sealer.open(secretEncrypted, client.id), 'utf8');
    } catch {
      key = randomBytes(32);
    }
    return this.assertions.verify(presented, client.id, key, allowedAlgorithms(CLIENT_SECRET_JWT_ALGORITHMS, client.tokenEndpointAuthSigningAlg));
  }
}
