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
