import type {
  ClientAuthenticationMethod,
  ClientAuthenticationRequest,
  PresentedCertificate,
  PresentedClient,
  StoredClient,
} from './client-authentication-method';
import { CLIENT_ID_PRESENTATION } from './client-id-presentation';

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

  present({ headers, parameters, certificate }: ClientAuthenticationRequest): PresentedWithCertificate | null {
    if (certificate === null) return null;
    if (headers.authorization !== undefined || parameters.client_secret !== undefined || parameters.client_assertion !== undefined) return null;
    const clientId = parameters.client_id;
    return clientId === undefined || clientId === '' ? null : { clientId, certificate };
  }

  abstract verify(presented: PresentedWithCertificate, stored: StoredClient): Promise<boolean>;
}
