import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

type RequestWithClient = FastifyRequest & { client?: { id: string } };

/**
 * One line per answered request: method, route pattern, status, duration and the authenticated
 * client id. Never the URL (its query may carry a code or token), a header or a body.
 */
export function registerAccessLog(fastify: FastifyInstance): void {
  const logger = new Logger('Access');
  fastify.addHook('onResponse', (req: RequestWithClient, reply, done) => {
    logger.log('request', {
      requestId: req.id,
      method: req.method,
      route: req.routeOptions.url ?? '(unmatched)',
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      ...(req.client ? { clientId: req.client.id } : {}),
    });
    done();
  });
}
