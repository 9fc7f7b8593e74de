import type { StoredClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { certificateHasName, registeredName } from './certificate-match';
import { CertificateMethod, type PresentedWithCertificate } from './certificate-method';

/**
 * `tls_client_auth` (RFC 8705 §2.1): a certificate from a CA this deployment trusts (verified by the
 * TLS-terminating proxy or our own listener) carrying the one subject DN or SAN the client registered.
 */
@ClientAuthenticationMethodProvider()
export class TlsClientAuthMethod extends CertificateMethod {
  readonly name = 'tls_client_auth';
  readonly credential = 'tls_client_auth';

  async verify({ certificate }: PresentedWithCertificate, { client }: StoredClient): Promise<boolean> {
    const name = registeredName(client);
    return certificate.chainVerified && name !== null && certificateHasName(certificate.certificate, name);
  }
}
