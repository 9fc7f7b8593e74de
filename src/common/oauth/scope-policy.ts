import { OAuthError } from './oauth-error';
import { formatScope, isSubset, parseScope } from './scope';

/**
 * Decides the scope a token gets (RFC 6749 §3.3): the requested scopes when all of them are
 * within `allowed`, or every allowed scope when none were requested.
 */
export function resolveScope(requested: string | undefined, allowed: readonly string[]): string {
  const scopes = parseScope(requested);
  if (scopes === null) throw new OAuthError('invalid_scope', 'scope contains invalid characters');
  if (scopes.length === 0) return formatScope(allowed);
  if (!isSubset(scopes, allowed)) throw new OAuthError('invalid_scope', 'requested scope is not allowed for this client');
  return formatScope(scopes);
}
