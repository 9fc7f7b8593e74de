import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service';

/**
 * Times every request of the public port by its route pattern (`/oauth2/token`, never the URL
 * with its query or ids). onResponse runs after the answer is sent, so the client never waits for it.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  if (!metrics.enabled) return;
  fastify.addHook('onResponse', (req, reply, done) => {
    metrics.httpRequest(req.routeOptions.url, req.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
