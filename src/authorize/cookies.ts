import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse, serialize, type SerializeOptions } from 'cookie';

/**
 * Cookies matter only to the browser pages (login session, CSRF), so they are parsed there, on
 * demand, rather than by a hook on every token request.
 */
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[name] : undefined;
}

/** HttpOnly, SameSite=Lax, path /, and Secure whenever the request came over HTTPS. */
export function setCookie(req: FastifyRequest, res: FastifyReply, name: string, value: string, options: Pick<SerializeOptions, 'maxAge'> = {}): void {
  // Fastify appends each set-cookie header instead of replacing the previous one.
  res.header('set-cookie', serialize(name, value, { httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', path: '/', ...options }));
}
