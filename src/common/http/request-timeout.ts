import type { FastifyInstance, FastifyRequest } from 'fastify';

const TIMER = Symbol('requestTimeout');
type TimedRequest = FastifyRequest & { [TIMER]?: NodeJS.Timeout };

/**
 * Bounds every request: if no answer has started after `ms` (a database that stopped answering,
 * say), the client gets 503 temporarily_unavailable instead of a hanging connection. The timer ends
 * with the answer or with an aborted request.
 */
export function registerRequestTimeout(fastify: FastifyInstance, ms: number): void {
  fastify.addHook('onRequest', (req: TimedRequest, reply, done) => {
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent) return;
      reply
        .code(503)
        .headers({ 'cache-control': 'no-store', 'retry-after': '1' })
        .send({ error: 'temporarily_unavailable', error_description: 'the request timed out' });
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
