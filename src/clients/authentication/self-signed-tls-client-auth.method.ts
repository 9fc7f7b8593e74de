import { Injectable } from '@nestjs/common';
import type { ClientAuthenticationMethod, ClientAuthenticationRequest, StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { CLIENT_ID_PRESENTATION } from './client-id-presentation';
import { certificateMatchesKeys } from './certificate-match';
import { presentCertificate, type PresentedWithCertificate } from './tls-client-auth.method';

/**
 * `self_signed_tls_client_auth` (RFC 8705 §2.2): any certificate (no chain is checked) whose public
 * key is one the client registered in `jwks`, matched by the certificate's x5t#S256 against a key's
 * `x5c`, or by the RFC 7638 thumbprint of the key itself.
 */
@Injectable()
@ClientAuthenticationMethodProvider()
export class SelfSignedTlsClientAuthMethod implements ClientAuthenticationMethod<PresentedWithCertificate> {
  readonly name = 'self_signed_tls_client_auth';
  readonly credential = 'self_signed_tls_client_auth';
  readonly presentation = CLIENT_ID_PRESENTATION;

  present(request: ClientAuthenticationRequest): PresentedWithCertificate | null {
    return presentCertificate(request);
  }

  verify({ certificate }: PresentedWithCertificate, { client }: StoredClient): Promise<boolean> {
    return certificateMatchesKeys(certificate.certificate, client.jwks?.keys ?? []);
  }
}
