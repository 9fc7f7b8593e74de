import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse, serialize, type SerializeOptions } from 'cookie';

/**
 * The name a cookie has on this request's scheme. Over HTTPS it carries the `__Host-` prefix: the
 * browser then accepts it only with Secure, Path=/ and no Domain, so neither a sibling subdomain
 * nor a plain-HTTP page can plant or overwrite it (RFC 6265bis §4.1.3.2). On plain HTTP (local
 * development) the name stays as it is, since browsers refuse a prefixed cookie without Secure.
 * "Served over HTTPS" is Fastify's `req.protocol`: the connection, or X-Forwarded-Proto from a
 * proxy named in TRUST_PROXY.
 */
export function cookieName(req: FastifyRequest, name: string): string {
  return req.protocol === 'https' ? `__Host-${name}` : name;
}

/**
 * Cookies matter only to the browser pages (login session, CSRF), so they are parsed there, on
 * demand, rather than by a hook on every token request. Read under the name of the request's scheme.
 */
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[cookieName(req, name)] : undefined;
}

/**
 * HttpOnly, SameSite=Lax (unless `sameSite` says otherwise: a cookie a cross-site POST must carry, as
 * a SAML response's), path /, no Domain, and Secure (with the `__Host-` name) whenever the request came over HTTPS.
 */
export function setCookie(
  req: FastifyRequest,
  res: FastifyReply,
  name: string,
  value: string,
  options: Pick<SerializeOptions, 'maxAge' | 'sameSite'> = {},
): void {
  // Fastify appends each set-cookie header instead of replacing the previous one.
  res.header(
    'set-cookie',
    serialize(cookieName(req, name), value, { httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', path: '/', ...options }),
  );
}
