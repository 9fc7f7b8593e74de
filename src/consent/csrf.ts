import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { randomToken, timingSafeEqualString } from '../common/crypto/tokens';
import { readCookie, setCookie } from './cookies';

export const CSRF_COOKIE = 'oauth_csrf';
export const CSRF_FIELD = 'csrf_token';

/**
 * Double-submit CSRF protection for the login and consent forms: a random value in an HttpOnly,
 * SameSite=Lax cookie must come back in the form. Another site can neither read the cookie nor
 * make the browser send it with a cross-site POST.
 */
export function ensureCsrfToken(req: Request, res: Response): string {
  const existing = readCookie(req, CSRF_COOKIE);
  if (typeof existing === 'string' && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomToken();
  setCookie(req, res, CSRF_COOKIE, token);
  return token;
}

export function isValidCsrfToken(req: Request): boolean {
  const cookie = readCookie(req, CSRF_COOKIE);
  const field: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  return typeof cookie === 'string' && typeof field === 'string' && cookie.length > 0 && timingSafeEqualString(cookie, field);
}
