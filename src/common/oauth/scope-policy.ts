import { OAuthError } from './oauth-error';
import { formatScope, isSubset, parseScope, scopeTokens } from './scope';

/** The role that makes a user an administrator. */
export const ADMIN_ROLE = 'admin';
/** The scope the management API requires; reserved for ADMIN_ROLE. */
export const ADMIN_SCOPE = 'admin';

/**
 * Scopes reserved for a role, each with its role (SECURITY.md, "Reserved scopes"): issued only to
 * a user who holds that role when the token is issued, never to a token without a user
 * (client_credentials, an exchange of a client's token, an extension grant), and never by default.
 * An application may list one, so that its users who hold the role can ask for it.
 */
export const RESERVED_SCOPES: ReadonlyMap<string, string> = new Map([[ADMIN_SCOPE, ADMIN_ROLE]]);

export function isReservedScope(scope: string): boolean {
  return RESERVED_SCOPES.has(scope);
}

/** Whom a token is for, as far as reserved scopes go: a user's current roles, or null (no user). */
export type ScopeHolder = { readonly roles: readonly string[] } | null;

/** Whether `holder` may receive the scope token `scope`: any unreserved scope, or a reserved one with its role. */
export function mayReceiveScope(holder: ScopeHolder, scope: string): boolean {
  const role = RESERVED_SCOPES.get(scope);
  return role === undefined || (holder !== null && holder.roles.includes(role));
}

/** The reserved scopes whose role is not among `roles`: what a user with these roles may no longer hold. */
export function reservedScopesWithout(roles: readonly string[]): string[] {
  return [...RESERVED_SCOPES].filter(([, role]) => !roles.includes(role)).map(([scope]) => scope);
}

/** Refuses a scope string holding a reserved scope `holder` may not receive, with invalid_scope (RFC 6749 §5.2). */
export function assertMayReceiveScope(holder: ScopeHolder, scope: string): void {
  const refused = scopeTokens(scope).find((s) => !mayReceiveScope(holder, s));
  if (refused !== undefined) {
    throw new OAuthError('invalid_scope', `the ${refused} scope is only issued to a user with the ${RESERVED_SCOPES.get(refused)} role`);
  }
}

/**
 * Decides the scope a token gets (RFC 6749 §3.3): the requested scopes when all of them are
 * within `allowed`, or, when none were requested, every allowed scope but the reserved ones
 * (those are only ever issued on request).
 */
export function resolveScope(requested: string | undefined, allowed: readonly string[]): string {
  const scopes = parseScope(requested);
  if (scopes === null) throw new OAuthError('invalid_scope', 'scope contains invalid characters');
  if (scopes.length === 0) return formatScope(allowed.filter((s) => !isReservedScope(s)));
  if (!isSubset(scopes, allowed)) throw new OAuthError('invalid_scope', 'requested scope is not allowed for this client');
  return formatScope(scopes);
}

/**
 * The scope of a refreshed grant (RFC 6749 §6): the requested scopes when all of them are within
 * `granted`, or all of `granted` when none were requested; the original request chose them, so
 * reserved scopes among them stay (the caller has removed those the holder may no longer receive).
 */
export function narrowScope(requested: string | undefined, granted: readonly string[]): string {
  const scopes = parseScope(requested);
  if (scopes === null) throw new OAuthError('invalid_scope', 'scope contains invalid characters');
  if (scopes.length === 0) return formatScope(granted);
  if (!isSubset(scopes, granted)) throw new OAuthError('invalid_scope', 'requested scope exceeds the original grant');
  return formatScope(scopes);
}
