import type { Request, Response } from 'express';
import { PAGE_CSP } from './views/pages';

export const SESSION_COOKIE = 'oauth_session';

/** The headers every server-rendered page carries: no caching, no framing (clickjacking). */
export function setPageHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
}

export function sendPage(res: Response, status: number, html: string): void {
  setPageHeaders(res);
  res.status(status).type('html').send(html);
}

/** HttpOnly, SameSite=Lax, and Secure whenever the request came over HTTPS. */
export function setSessionCookie(req: Request, res: Response, value: string, ttlSeconds: number): void {
  res.cookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: ttlSeconds * 1000 });
}
