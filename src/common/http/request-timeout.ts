import type { FastifyReply, FastifyRequest } from 'fastify';

const TIMER = Symbol('requestTimeout');
type TimedRequest = FastifyRequest & { [TIMER]?: NodeJS.Timeout };

/**
 * Bounds every request: if no answer has started after `ms` (a database that stopped answering,
 * say), the client gets 503 temporarily_unavailable instead of a hanging connection.
 */
export function requestTimeoutHooks(ms: number) {
  return {
    onRequest(req: TimedRequest, reply: FastifyReply, done: () => void): void {
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
    },
    /** Answered or aborted: either way the timer has nothing left to do. */
    clear(req: TimedRequest): void {
      clearTimeout(req[TIMER]);
    },
  };
}
