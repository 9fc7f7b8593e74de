import type { FastifyRequest as Request } from 'fastify';

/**
 * Where the TLS client certificate of a request comes from (a TLS-terminating proxy named in
 * TRUST_PROXY, which forwards it in a header): the one function certificate binding needs.
 */
export interface ClientCertificateSource {
  /** The DER of the certificate the request came with, or null (none, or not from a trusted proxy). */
  certificateOf(req: Request): Buffer | null;
}

export const CLIENT_CERTIFICATE_SOURCE = Symbol('CLIENT_CERTIFICATE_SOURCE');

/** Until a source of client certificates is configured: no request carries one. */
export const NO_CLIENT_CERTIFICATES: ClientCertificateSource = { certificateOf: () => null };
