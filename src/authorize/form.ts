import type { FastifyRequest as Request } from 'fastify';

/** A single string field of a posted form, or undefined (absent, repeated or not a string). */
export function formString(req: Request, name: string): string | undefined {
  const value: unknown = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** The path the request was made to, without its query: where a page's form posts back. */
export function requestPath(req: Request): string {
  const query = req.url.indexOf('?');
  return query === -1 ? req.url : req.url.slice(0, query);
}

/**
 * True when a POST to the authorization endpoint is one of our sign-in or consent forms rather
 * than an authorization request sent by POST (OpenID Connect Core §3.1.2.1). Every form of ours
 * carries the CSRF field (and `action` or the credentials); an authorization request carries none
 * of them, so any POST with one of them is a form and must pass the CSRF check.
 */
export function isFormSubmission(req: Request, csrfField: string): boolean {
  const body: unknown = req.body;
  if (req.method !== 'POST' || typeof body !== 'object' || body === null) return false;
  return [csrfField, 'action', 'username', 'password'].some((field) => Object.hasOwn(body, field));
}
