import type { FastifyRequest as Request } from 'fastify';
import { OAuthError } from '../oauth/oauth-error';

/**
 * The parsed form or JSON body as a plain object. A body that is not an object (a JSON array or
 * string) or arrived with a content type we do not parse is invalid_request.
 */
export function requestBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new OAuthError('invalid_request', 'request body must be a JSON object or a form');
  }
  return body as Record<string, unknown>;
}
