import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { randomToken, timingSafeEqualString } from '../common/crypto/tokens';
import { SigningKeysService } from '../keys/signing-keys.service';
import { readCookie, setCookie } from './cookies';
import { readSessionCookie } from './page-response';

/** Holds the browser's pre-session id: a random value that identifies a browser before it signs in. */
export const CSRF_COOKIE = 'oauth_csrf';
export const CSRF_FIELD = 'csrf_token';

const PRE_SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The CSRF token of a session: HMAC-SHA256 under the server's key, base64url (43 characters). */
export function csrfToken(key: Buffer, sessionId: string): string {
  return createHmac('sha256', key).update(`csrf:${sessionId}`).digest('base64url');
}

/** True when `token` is the CSRF token of `sessionId`, compared in constant time. */
export function isCsrfTokenOf(key: Buffer, sessionId: string, token: unknown): boolean {
  return typeof token === 'string' && sessionId !== '' && timingSafeEqualString(csrfToken(key, sessionId), token);
}

/**
 * CSRF protection of the login, consent, account and logout forms (OWASP's signed, session-bound
 * token). A form carries an HMAC, under a key derived from the server secret, of the browser's
 * login-session cookie, or before sign-in of its pre-session id (a random value in an HttpOnly,
 * SameSite=Lax cookie). Another site can neither read those cookies nor compute the HMAC, and a
 * token taken from another browser or another session does not verify here, even with that
 * browser's pre-session cookie planted beside it once a session exists.
 */
@Injectable()
export class CsrfTokens {
  private key?: Buffer;

  constructor(private readonly keys: SigningKeysService) {}

  /** The token for a form of this response (bound to the session this response leaves the browser with). */
  issue(req: Request, res: Response): string {
    const preSession = this.ensurePreSession(req, res);
    return csrfToken(this.secret(), readSessionCookie(req) || preSession);
  }

  /** True when the posted form carries the token of this browser's session (or, before sign-in, of its pre-session). */
  verify(req: Request): boolean {
    const field: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    const sessionId = readSessionCookie(req) || readCookie(req, CSRF_COOKIE);
    return sessionId !== undefined && isCsrfTokenOf(this.secret(), sessionId, field);
  }

  private ensurePreSession(req: Request, res: Response): string {
    const existing = readCookie(req, CSRF_COOKIE);
    if (existing !== undefined && PRE_SESSION_ID.test(existing)) return existing;
    const id = randomToken();
    setCookie(req, res, CSRF_COOKIE, id);
    return id;
  }

  private secret(): Buffer {
    this.key ??= this.keys.derivedKey('csrf');
    return this.key;
  }
}
