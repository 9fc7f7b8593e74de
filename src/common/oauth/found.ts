import { OAuthError } from './oauth-error';

/** The record a management route names, or the route's 404 (`not_found`, saying `message`) when there is none. */
export function found<T>(record: T | null | undefined, message: string): T {
  if (record === null || record === undefined) throw new OAuthError('not_found', message);
  return record;
}
