import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The methods a route of this server may have (RFC 9110 §9). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * For a request the router found no route for (not a 404 a handler raised), the methods it has a
 * route for at that path: not empty when only the method was wrong, which RFC 9110 §15.5.6 answers
 * 405 with an `Allow` header (RFC 9126 §2 names it for the PAR endpoint) rather than 404.
 */
export function allowedMethods(fastify: Pick<FastifyInstance, 'findRoute'>): (req: Pick<FastifyRequest, 'method' | 'url' | 'is404'>) => string[] {
  return (req) => {
    if (!req.is404) return [];
    const path = req.url.split('?', 1)[0];
    return METHODS.filter((method) => method !== req.method && fastify.findRoute({ method, url: path }) !== null);
  };
}
