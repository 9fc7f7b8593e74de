import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Bounds every request: if no answer has started after `ms` (a database that stopped answering,
 * say), the client gets 503 temporarily_unavailable instead of a hanging connection.
 */
export function requestTimeout(ms: number): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res
        .status(503)
        .set({ 'Cache-Control': 'no-store', 'Retry-After': '1' })
        .json({ error: 'temporarily_unavailable', error_description: 'the request timed out' });
    }, ms);
    timer.unref();
    const clear = () => clearTimeout(timer);
    res.on('finish', clear);
    res.on('close', clear);
    next();
  };
}
