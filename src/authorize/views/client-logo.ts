/** What the consent page may load to show a client's logo: the image and the one origin the CSP allows. */
export interface ClientLogo {
  readonly src: string;
  /** `scheme://host[:port]`, the CSP source expression (CSP 3 §2.3.1) for `img-src`: this image's server, nothing else. */
  readonly origin: string;
}

/**
 * The logo a client registered (`logo_uri`, RFC 7591 §2), if the consent page may show it: https
 * only (an http image could be swapped on the way to look like another application), plain http
 * only when `allowHttp` (the development setting). Anything else is not shown; the page stays
 * without external images.
 */
export function clientLogo(uri: string | null, allowHttp: boolean): ClientLogo | null {
  if (!uri) return null;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) return null;
  if (url.username !== '' || url.password !== '') return null;
  // url.origin is serialised by the URL parser: no space, quote or semicolon can reach the header.
  return { src: url.href, origin: url.origin };
}
