import { context, createContextKey, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * OpenTelemetry traces over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set: a span per request
 * (the caller's W3C `traceparent` honoured) and child spans for database batches, Redis commands and
 * password hashing. The tracer travels in the OpenTelemetry context of the request rather than as a
 * process-wide provider, so several apps in one process (the tests) keep their own; without an
 * endpoint nothing is installed and `traced` costs one context lookup.
 */
const TRACER = createContextKey('oauth-server tracer');
const propagator = new W3CTraceContextPropagator();
const requestSpans = new WeakMap<FastifyRequest, Span>();
let contextManagerInstalled = false;

export function registerTracing(fastify: FastifyInstance, endpoint: string | undefined): void {
  if (!endpoint) return;
  if (!contextManagerInstalled) {
    // One per process: it carries the active span across awaits (AsyncLocalStorage).
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerInstalled = true;
  }
  const provider = new TracerProvider({
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }), scheduledDelayMillis: 1000 }),
    ],
  });
  const tracer = provider.getTracer('oauth-authorization-server');
  fastify.addHook('onRequest', (req, _reply, done) => {
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    // Named by the route pattern, never the URL (bounded names; no tokens in paths).
    const span = tracer.startSpan(
      `${req.method} ${req.routeOptions.url ?? 'unmatched'}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    requestSpans.set(req, span);
    context.with(trace.setSpan(parent, span).setValue(TRACER, tracer), done);
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const span = requestSpans.get(req);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  // Spans still buffered leave before the process does.
  fastify.addHook(
    'onClose',
    (_instance, done) =>
      void provider.shutdown().then(
        () => done(),
        () => done(),
      ),
  );
}

/** Runs `work` in a child span of the request being served, when tracing is on. */
export function traced<T>(name: string, work: () => Promise<T>): Promise<T> {
  const tracer = context.active().getValue(TRACER) as Tracer | undefined;
  if (!tracer) return work();
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
