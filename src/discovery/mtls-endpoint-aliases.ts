/**
 * The endpoints a client calls with its own credentials, where a certificate authenticates it or
 * binds its tokens (RFC 8705 §5); the authorization and end-session endpoints are the browser's.
 */
const ALIASED_ENDPOINTS: readonly string[] = [
  'token_endpoint',
  'revocation_endpoint',
  'introspection_endpoint',
  'userinfo_endpoint',
  'pushed_authorization_request_endpoint',
  'device_authorization_endpoint',
  'backchannel_authentication_endpoint',
];

/**
 * RFC 8705 §5: `mtls_endpoint_aliases`, the same endpoints under the base URL where clients present
 * certificates (the server's own mutual TLS listener, or a host of the proxy's), which a client
 * using mutual TLS prefers. Without such a base the document is returned unchanged.
 */
export function withMtlsEndpointAliases(document: Record<string, unknown>, issuer: string, mtlsBaseUrl: string | undefined): Record<string, unknown> {
  if (mtlsBaseUrl === undefined) return document;
  const aliases: Record<string, string> = {};
  for (const field of ALIASED_ENDPOINTS) {
    const url = document[field];
    if (typeof url === 'string' && url.startsWith(`${issuer}/`)) aliases[field] = mtlsBaseUrl + url.slice(issuer.length);
  }
  return Object.keys(aliases).length === 0 ? document : { ...document, mtls_endpoint_aliases: aliases };
}
