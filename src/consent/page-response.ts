import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { readCookie, setCookie } from './cookies';
import { PAGE_CSP } from './views/pages';

export const SESSION_COOKIE = 'oauth_session';

/** The headers every server-rendered page carries: no caching, no framing (clickjacking). */
export function setPageHeaders(res: Response): void {
  res.header('Cache-Control', 'no-store');
  res.header('Pragma', 'no-cache');
  res.header('Content-Security-Policy', PAGE_CSP);
  res.header('X-Frame-Options', 'DENY');
}

export function sendPage(res: Response, status: number, html: string): void {
  setPageHeaders(res);
  res.status(status).type('text/html; charset=utf-8').send(html);
}

export function readSessionCookie(req: Request): string | undefined {
  return readCookie(req, SESSION_COOKIE);
}

export function setSessionCookie(req: Request, res: Response, value: string, ttlSeconds: number): void {
  setCookie(req, res, SESSION_COOKIE, value, { maxAge: ttlSeconds });
}
