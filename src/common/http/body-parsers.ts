import type { FastifyInstance } from 'fastify';
import { parse } from 'node:querystring';
import { OAuthError } from '../oauth/oauth-error';
import { parseJsonBody, PROTOTYPE_KEYS } from './json-body';

/** Body size limit of every endpoint: token requests and forms are small. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** More fields than any of our forms or token requests has (RFC 6749 requests have a handful). */
const MAX_FORM_FIELDS = 100;

/**
 * RFC 6749 §3.2 form bodies (a repeated field becomes an array, which the token pipeline refuses)
 * and JSON for webMethods' getAccessToken and the admin API (depth-limited before parsing, see
 * json-body.ts); an empty JSON body is an empty object, as clients that always send
 * `Content-Type: application/json` expect on body-less calls. Neither may carry a prototype key:
 * class-transformer copies keys onto instances, and no parameter of ours has such a name. Any
 * other content type is read within the limit and ignored, so the endpoint answers with its own
 * invalid_request.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => {
    if ((body as string).trim() === '') return done(null, {});
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as OAuthError, undefined);
    }
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => {
    const fields = parse(body as string, '&', '=', { maxKeys: MAX_FORM_FIELDS + 1 });
    if (Object.keys(fields).length > MAX_FORM_FIELDS) return done(new OAuthError('invalid_request', 'too many parameters'), undefined);
    if (Object.keys(fields).some((name) => PROTOTYPE_KEYS.has(name))) return done(new OAuthError('invalid_request', 'parameter name not allowed'), undefined);
    done(null, fields);
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_req, _body, done) => done(null, undefined));
}
