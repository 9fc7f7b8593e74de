import type { AppConfig } from '../../config/app-config';

/**
 * The base URL a request addressed: the base of the `mtls_endpoint_aliases` (RFC 8705 §5) when the
 * request's Host is theirs, else the issuer. A DPoP proof's `htu` (RFC 9449 §4.3) and an assertion's
 * endpoint audience name the URL the client called, which for an alias is not under the issuer.
 */
export function addressedBaseUrl(host: string | undefined, config: Pick<AppConfig, 'issuer' | 'mtlsEndpointBaseUrl'>): string {
  const alias = config.mtlsEndpointBaseUrl;
  if (alias === undefined || host === undefined) return config.issuer;
  return new URL(alias).host === host.toLowerCase() ? alias : config.issuer;
}
