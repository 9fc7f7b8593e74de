import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from './config/app-config';
import { registerAccessLog } from './common/logging/access-log';
import { allowedMethods } from './common/http/allowed-methods';
import { BODY_LIMIT_BYTES, registerBodyParsers } from './common/http/body-parsers';
import { registerEarlyAnswerClose } from './common/http/early-answer';
import { requestContextHook } from './common/http/request-context';
import { requestIdOf } from './common/http/request-id';
import { registerRequestTimeout } from './common/http/request-timeout';
import { RESPONSE_HEADERS } from './common/http/security-headers';
import { createValidationPipe } from './common/http/validation';
import { registerTracing } from './common/observability/tracing';
import { AUTHORIZE_ERROR_RENDERER, AuthorizeErrorRenderer } from './common/oauth/authorize-error-renderer';
import { OAuthExceptionFilter } from './common/oauth/oauth-exception.filter';
import { classifyDatabaseError } from './database/dialects';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { registerHttpMetrics } from './metrics/http-metrics';
import { MetricsService } from './metrics/metrics.service';

/**
 * The HTTP server: Fastify (its routing and serialisation cost a fraction of Express's, and every
 * token request pays them). Paths match as Express matched them: case-insensitive, trailing slash
 * optional. TRUST_PROXY names the proxies whose X-Forwarded-For and -Proto are believed.
 */
export function createHttpAdapter(config: Pick<AppConfig, 'trustProxy'>): FastifyAdapter {
  return new FastifyAdapter({
    // Only the named proxies: their X-Forwarded-* entries are believed, a direct peer's never are.
    trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false,
    bodyLimit: BODY_LIMIT_BYTES,
    // X-Request-Id: the caller's when well-formed, otherwise generated; echoed in the response.
    requestIdHeader: false,
    genReqId: requestIdOf,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    // On SIGTERM, requests that reached an accepted connection are served, not refused with 503.
    return503OnClosing: false,
    // Errors Fastify raises before routing (a malformed percent-encoding in the path, say) get the
    // same RFC 6749 JSON and headers as every other error.
    frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      reply
        .code(400)
        .headers({ ...RESPONSE_HEADERS, 'x-request-id': req.id })
        .send({ error: 'invalid_request', error_description: error.code === 'FST_ERR_BAD_URL' ? 'malformed URL' : 'malformed request', request_id: req.id });
    },
  });
}

/** Everything main.ts and the tests share: parsers, security headers, errors, validation, docs. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  registerTracing(fastify, config.otlpEndpoint);
  registerBodyParsers(fastify);
  fastify.addHook('onRequest', (req, reply, done) => {
    // CSP is set per page (login/consent); the JSON API has no use for a policy.
    reply.headers(RESPONSE_HEADERS);
    reply.header('x-request-id', req.id);
    done();
  });
  registerRequestTimeout(fastify, config.requestTimeoutMs);
  registerEarlyAnswerClose(fastify);
  fastify.addHook('preHandler', requestContextHook);
  const metrics = app.get(MetricsService);
  registerHttpMetrics(fastify, metrics);
  registerAccessLog(fastify, config);
  app.useGlobalFilters(
    new OAuthExceptionFilter(
      app.get<AuthorizeErrorRenderer>(AUTHORIZE_ERROR_RENDERER),
      (code) => metrics.oauthError(code),
      (exception) => {
        const kind = classifyDatabaseError(exception);
        if (kind === 'retry' || kind === 'unavailable') metrics.databaseFailed(kind === 'retry' ? 'conflict' : 'unavailable');
        return kind;
      },
      allowedMethods(fastify),
    ),
  );
  app.useGlobalPipes(createValidationPipe());
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, config), { jsonDocumentUrl: 'docs-json' });
}
