import type { Request } from 'express';

/** A single string field of a posted form, or undefined (absent, repeated or not a string). */
export function formString(req: Request, name: string): string | undefined {
  const value: unknown = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}
