import type { ClientAuthenticationRequest } from './client-authentication-method';

/**
 * The presentation of a request that names its client with `client_id` and proves it, if at all,
 * with the connection's certificate: `none`, tls_client_auth and self_signed_tls_client_auth. A
 * public client whose proxy forwards a certificate (for certificate-bound tokens, RFC 8705 §4) is
 * still a public client: the application's registered method decides.
 */
export const CLIENT_ID_PRESENTATION = 'client_id';

/**
 * The `client_id` of a request in this presentation, or null: a request that carries anything
 * that looks like a credential (Authorization header, secret, assertion) is some other method's
 * (or an unsupported one's).
 */
export function presentedClientId({ headers, parameters }: ClientAuthenticationRequest): string | null {
  if (headers.authorization !== undefined || parameters.client_secret !== undefined || parameters.client_assertion !== undefined) return null;
  const clientId = parameters.client_id;
  return clientId === undefined || clientId === '' ? null : clientId;
}
