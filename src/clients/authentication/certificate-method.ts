import type { ClientAuthenticationMethod, ClientAuthenticationRequest, PresentedClient, StoredClient } from './client-authentication-method';
import type { PresentedCertificate } from './client-certificate';
import { CLIENT_ID_PRESENTATION, presentedClientId } from './client-id-presentation';

/** A client id with the connection's certificate. */
export interface PresentedWithCertificate extends PresentedClient {
  readonly certificate: PresentedCertificate;
}

/**
 * What the mutual TLS methods share (RFC 8705 §2): a request that names its client with `client_id`
 * over a connection with a client certificate, without any other credential. The certificate is
 * the credential; which method checks it is the application's registered one (the presentation).
 */
export abstract class CertificateMethod implements ClientAuthenticationMethod<PresentedWithCertificate> {
  abstract readonly name: string;
  abstract readonly credential: string;
  readonly presentation = CLIENT_ID_PRESENTATION;

  present(request: ClientAuthenticationRequest): PresentedWithCertificate | null {
    const { certificate } = request;
    if (certificate === null) return null;
    const clientId = presentedClientId(request);
    return clientId === null ? null : { clientId, certificate };
  }

  abstract verify(presented: PresentedWithCertificate, stored: StoredClient): Promise<boolean>;
}
