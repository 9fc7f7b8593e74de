import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { readCookie, setCookie } from './cookies';
import { PAGE_CSP } from './views/pages';

export const SESSION_COOKIE = 'oauth_session';

/** The login session a response has just started, so the rest of the response sees it (its CSRF tokens). */
type RequestWithNewSession = Request & { loginSessionSet?: string };

/** The headers every server-rendered page adds to RESPONSE_HEADERS (no caching): no framing (clickjacking). */
export function setPageHeaders(res: Response, csp = PAGE_CSP): void {
  res.header('Content-Security-Policy', csp);
  res.header('X-Frame-Options', 'DENY');
}

/** `csp`: PAGE_CSP unless the page loads an image (pageCsp) or has a passkey form (PASSKEY_PAGE_CSP). */
export function sendPage(res: Response, status: number, html: string, csp = PAGE_CSP): void {
  setPageHeaders(res, csp);
  res.status(status).type('text/html; charset=utf-8').send(html);
}

/** The browser's login-session cookie as it will be after this response: the one just set, else the one sent. */
export function readSessionCookie(req: Request): string | undefined {
  return (req as RequestWithNewSession).loginSessionSet ?? readCookie(req, SESSION_COOKIE);
}

export function setSessionCookie(req: Request, res: Response, value: string, ttlSeconds: number): void {
  setCookie(req, res, SESSION_COOKIE, value, { maxAge: ttlSeconds });
  (req as RequestWithNewSession).loginSessionSet = value;
}

/** Signs the browser out: the cookie is emptied and expires at once. */
export function clearSessionCookie(req: Request, res: Response): void {
  setCookie(req, res, SESSION_COOKIE, '', { maxAge: 0 });
  (req as RequestWithNewSession).loginSessionSet = '';
}
