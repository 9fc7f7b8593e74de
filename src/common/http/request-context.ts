import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

export interface RequestContext {
  readonly ip: string;
  /** Set once the caller is known as a user (an administrator on /admin routes). */
  actorUserId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Express middleware: makes the caller's IP available to services (audit trail) without passing it. */
export function requestContextMiddleware(req: Request, _res: Response, next: NextFunction): void {
  storage.run({ ip: req.ip ?? 'unknown' }, next);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
