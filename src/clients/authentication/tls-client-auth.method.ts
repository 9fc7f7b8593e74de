import { Injectable } from '@nestjs/common';
import type {
  ClientAuthenticationMethod,
  ClientAuthenticationRequest,
  PresentedCertificate,
  PresentedClient,
  StoredClient,
} from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { CLIENT_ID_PRESENTATION } from './client-id-presentation';
import { certificateHasName, registeredName } from './certificate-match';

/** A client id with the connection's certificate. */
export interface PresentedWithCertificate extends PresentedClient {
  readonly certificate: PresentedCertificate;
}

/**
 * A request that names its client with `client_id` and brings a client certificate, without any
 * other credential (RFC 8705 §2: the certificate is the credential); null otherwise.
 */
export function presentCertificate({ headers, parameters, certificate }: ClientAuthenticationRequest): PresentedWithCertificate | null {
  if (certificate === null) return null;
  if (headers.authorization !== undefined || parameters.client_secret !== undefined || parameters.client_assertion !== undefined) return null;
  const clientId = parameters.client_id;
  return clientId === undefined || clientId === '' ? null : { clientId, certificate };
}

/**
 * `tls_client_auth` (RFC 8705 §2.1): a certificate from a CA this deployment trusts (verified by the
 * TLS-terminating proxy or our own listener) carrying the one subject DN or SAN the client registered.
 */
@Injectable()
@ClientAuthenticationMethodProvider()
export class TlsClientAuthMethod implements ClientAuthenticationMethod<PresentedWithCertificate> {
  readonly name = 'tls_client_auth';
  readonly credential = 'tls_client_auth';
  readonly presentation = CLIENT_ID_PRESENTATION;

  present(request: ClientAuthenticationRequest): PresentedWithCertificate | null {
    return presentCertificate(request);
  }

  async verify({ certificate }: PresentedWithCertificate, { client }: StoredClient): Promise<boolean> {
    const name = registeredName(client);
    return certificate.chainVerified && name !== null && certificateHasName(certificate.certificate, name);
  }
}
