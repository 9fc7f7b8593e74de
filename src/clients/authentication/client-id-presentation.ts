/**
 * The presentation of a request that names its client with `client_id` and proves it, if at all,
 * with the connection's certificate: `none`, tls_client_auth and self_signed_tls_client_auth. A
 * public client whose proxy forwards a certificate (for certificate-bound tokens, RFC 8705 §4) is
 * still a public client: the application's registered method decides.
 */
export const CLIENT_ID_PRESENTATION = 'client_id';
