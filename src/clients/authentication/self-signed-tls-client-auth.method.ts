import { ClientKeys } from '../client-keys';
import type { StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { certificateMatchesKeys } from './certificate-match';
import { CertificateMethod, type PresentedWithCertificate } from './certificate-method';

/**
 * `self_signed_tls_client_auth` (RFC 8705 §2.2): any certificate (no chain is checked) whose public
 * key is one the client registered in `jwks` or publishes at `jwks_uri`, matched by the certificate's x5t#S256 against a key's
 * `x5c`, or by the RFC 7638 thumbprint of the key itself.
 */
@ClientAuthenticationMethodProvider()
export class SelfSignedTlsClientAuthMethod extends CertificateMethod {
  readonly name = 'self_signed_tls_client_auth';
  readonly credential = 'self_signed_tls_client_auth';

  constructor(private readonly keys: ClientKeys) {
    super();
  }

  verify({ certificate }: PresentedWithCertificate, { client }: StoredClient): Promise<boolean> {
    return this.keys.hasKey(client, (keys) => certificateMatchesKeys(certificate.certificate, keys));
  }
}
