import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';

/** How long a connection answered before its body arrived goes on reading before it is closed. */
const LINGER_MS = 2_000;
const LINGERING = Symbol('lingering');
type LingeringSocket = Socket & { [LINGERING]?: true };

/**
 * An answer that goes out before the client finished sending its body (413 over the limit, 408
 * for a body that stalled, a parse error) must close the connection: what follows on it is the
 * rest of a body, not a next request. Closing outright while the client is still uploading makes
 * the kernel answer its next bytes with a reset, and a reset can overtake the answer (16
 * concurrent 4 MB bodies: a few got no answer at all). So these connections close the way HTTP
 * servers have long closed them: send the answer, half-close, go on reading and discarding for a
 * short while, then close.
 */
export function registerEarlyAnswerClose(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (!req.raw.complete) {
      reply.header('connection', 'close');
      lingerOnClose(req.raw.socket);
    }
    done(null, payload);
  });
}

/** Node closes a `Connection: close` socket with destroySoon() once the answer is written. */
function lingerOnClose(socket: LingeringSocket): void {
  if (socket[LINGERING]) return;
  socket[LINGERING] = true;
  socket.destroySoon = function lingeringClose(this: Socket): void {
    // FIN after the answer; Node's HTTP parser still reads the rest of the body and drops it.
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}
