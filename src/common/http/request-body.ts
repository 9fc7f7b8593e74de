import type { FastifyRequest as Request } from 'fastify';
import { OAuthError } from '../oauth/oauth-error';

/** OAuth request parameters: each one, by name, exactly one string. */
export type OAuthParameters = Readonly<Record<string, string>>;

/**
 * The parameters of an OAuth endpoint (token, revocation, introspection), from its form or JSON
 * body, refused with invalid_request unless every value is one string: a repeated form field
 * (RFC 6749 §3.2, parameters must not be included more than once) or a JSON array, object, number
 * or null is not a parameter value, and nothing behind this point has to wonder. A body that is
 * not an object (a JSON array or string) is invalid_request too; no body is no parameters.
 */
export function oauthParameters(req: Request): OAuthParameters {
  const body: unknown = req.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new OAuthError('invalid_request', 'request body must be a JSON object or a form');
  }
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) throw new OAuthError('invalid_request', `${named(name)} is repeated`);
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `${named(name)} must be a string`);
  }
  return body as OAuthParameters;
}

/**
 * A parameter as an error names it: every OAuth parameter name is a short snake_case word, so
 * anything else is not repeated back (the name is the caller's input, and errors are logged).
 */
function named(name: string): string {
  return /^[a-z][a-z0-9_]{0,63}$/.test(name) ? `parameter ${name}` : 'a parameter';
}
