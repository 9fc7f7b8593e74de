import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OAuthError } from './oauth-error';

/**
 * Answers a protocol error at the authorization endpoint, where it is a redirect to the client or
 * an HTML page rather than JSON (RFC 6749 §4.1.2.1). The authorize module implements it and
 * provides it under AUTHORIZE_ERROR_RENDERER; OAuthExceptionFilter receives it, so common/ knows
 * no page, no cookie and no redirect.
 */
export interface AuthorizeErrorRenderer {
  /** Answers `error` and returns true when `req` is an authorize request; false leaves it to the JSON answer. */
  render(error: OAuthError, req: FastifyRequest, res: FastifyReply): boolean;
}

/** DI token of the AuthorizeErrorRenderer. */
export const AUTHORIZE_ERROR_RENDERER = Symbol('AuthorizeErrorRenderer');
