import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { abandonedSignal } from './request-timeout';

export interface RequestContext {
  readonly ip: string;
  /** Fastify's request id (X-Request-Id), added to every log line of this request. */
  readonly requestId: string;
  /** Aborted when the request was answered 503 on timeout: its writes must not happen (request-timeout.ts). */
  readonly abandoned?: AbortSignal;
  /** Set once the caller is known as a user (an administrator on /admin routes). */
  actorUserId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Fastify preHandler hook: makes the caller's IP available to services (audit trail) without
 * passing it. It runs after the body is read, and the route handler runs inside `done`.
 */
export function requestContextHook(req: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  storage.run({ ip: req.ip ?? 'unknown', requestId: req.id, abandoned: abandonedSignal(req) }, done);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
