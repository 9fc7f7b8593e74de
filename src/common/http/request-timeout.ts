import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OAuthError } from '../oauth/oauth-error';

const TIMER = Symbol('requestTimeout');
const ABANDONED = Symbol('requestAbandoned');
type TimedRequest = FastifyRequest & { [TIMER]?: NodeJS.Timeout; [ABANDONED]?: AbortController };

/**
 * Aborted just before a request is answered 503 on timeout: work that has not reached the
 * database by then must not run, and a transaction still open must be rolled back, so that the
 * 503 means nothing happened. Listeners run synchronously, before the answer.
 */
export function abandonedSignal(req: FastifyRequest): AbortSignal | undefined {
  return (req as TimedRequest)[ABANDONED]?.signal;
}

/**
 * Bounds every request: if no answer has started after `ms`, the client gets an answer instead of
 * a hanging connection. Whose fault it was decides which: a body that has not fully arrived (a
 * Content-Length never met, a chunked body that never ends) is the client's, 408 invalid_request,
 * and the connection closes (early-answer.ts); a request we were still working on (a database
 * that stopped answering, say) is ours, 503 temporarily_unavailable. The timer ends with the
 * answer or with an aborted request.
 */
export function registerRequestTimeout(fastify: FastifyInstance, ms: number): void {
  fastify.addHook('onRequest', (req: TimedRequest, reply, done) => {
    const abandoned = new AbortController();
    req[ABANDONED] = abandoned;
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent) return;
      if (!req.raw.complete) {
        const error = new OAuthError('invalid_request', 'the request body did not arrive in time', { bodyStatus: 408 });
        reply.code(error.status).send(error.toJSON());
        return;
      }
      abandoned.abort();
      reply.code(503).header('retry-after', '1').send({ error: 'temporarily_unavailable', error_description: 'the request timed out' });
    }, ms);
    timer.unref();
    req[TIMER] = timer;
    done();
  });
  fastify.addHook('onResponse', (req: TimedRequest, _reply, done) => {
    clearTimeout(req[TIMER]);
    done();
  });
  fastify.addHook('onRequestAbort', (req: TimedRequest, done) => {
    clearTimeout(req[TIMER]);
    done();
  });
}
