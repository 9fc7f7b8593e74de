import { createHash } from 'node:crypto';
import type { AuthenticatedClient } from '../../clients/clients.service';
import { timingSafeEqualString } from '../../common/crypto/tokens';
import { type AuthenticationChallenge, OAuthError } from '../../common/oauth/oauth-error';
import type { BindingRequest, TokenBinding } from './token-binding';
import { TokenBindingProvider } from './token-binding.decorator';

/** RFC 8705 §3.1: base64url SHA-256 of the certificate's DER. */
export function certificateThumbprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('base64url');
}

/**
 * RFC 8705 §3: certificate-bound access tokens. A client registered with
 * `tls_client_certificate_bound_access_tokens` gets tokens carrying `cnf.x5t#S256` of the TLS client
 * certificate of its token request; a protected route then needs a request with the same certificate.
 * They stay `Bearer` tokens on the wire: the proof is the TLS connection, not a header.
 */
@TokenBindingProvider()
export class CertificateBinding implements TokenBinding {
  readonly confirmationMethod = 'x5t#S256';
  readonly challenge: AuthenticationChallenge = { scheme: 'Bearer' };

  async confirm(request: BindingRequest, client: AuthenticatedClient): Promise<string | null> {
    if (!client.tlsClientCertificateBoundAccessTokens) return null;
    const der = request.clientCertificate();
    if (!der) throw new OAuthError('invalid_request', 'this client receives certificate-bound tokens: a TLS client certificate is required');
    return certificateThumbprint(der);
  }

  async verify(request: BindingRequest, thumbprint: string): Promise<void> {
    const der = request.clientCertificate();
    // RFC 8705 §3: a request without the certificate the token is bound to is invalid_token (401).
    if (!der || !timingSafeEqualString(certificateThumbprint(der), thumbprint)) {
      throw new OAuthError('invalid_token', 'the token is bound to another TLS client certificate', { challenge: this.challenge });
    }
  }
}
