import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { writeSync } from 'node:fs';
import type { AppConfig } from '../../config/app-config';
import { logLevelEnabled, writesJson } from './app-logger';

type RequestWithClient = FastifyRequest & { client?: { id: string } };

interface AccessRecord {
  readonly requestId: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  readonly clientId?: string;
}

/**
 * One line per answered request (ACCESS_LOG, level `log`): method, route pattern, status, duration
 * and the authenticated client id. Never the URL (its query may carry a code or token), a header
 * or a body.
 */
export function registerAccessLog(fastify: FastifyInstance, config: Pick<AppConfig, 'accessLog' | 'logLevel' | 'logFormat'>): void {
  if (!config.accessLog || !logLevelEnabled(config, 'log')) return;
  const write = writesJson(config) ? jsonLines() : textLines();
  fastify.addHook('onResponse', (req: RequestWithClient, reply, done) => {
    write({
      requestId: String(req.id),
      method: req.method,
      route: req.routeOptions.url ?? '(unmatched)',
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      ...(req.client ? { clientId: req.client.id } : {}),
    });
    done();
  });
}

/**
 * The JSON record Nest's logger would write, built here: the access log runs on every request, and
 * going through the general logger (and one write per line) cost a tenth of a token request's CPU.
 * Lines of one event-loop turn leave in one write; what is pending at exit is written synchronously.
 */
function jsonLines(): (record: AccessRecord) => void {
  let pending = '';
  const flush = () => {
    const chunk = pending;
    pending = '';
    if (chunk) process.stdout.write(chunk);
  };
  process.once('exit', () => {
    if (pending) writeSync(1, pending);
  });
  return (record) => {
    if (!pending) setImmediate(flush);
    pending += `${JSON.stringify({ level: 'log', pid: process.pid, timestamp: Date.now(), message: 'request', context: 'Access', ...record })}\n`;
  };
}

/** On a terminal, readability over speed: Nest's text format. */
function textLines(): (record: AccessRecord) => void {
  const logger = new Logger('Access');
  return (record) => logger.log('request', { ...record });
}
