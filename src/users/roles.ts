/**
 * The roles this server gives a meaning to. The scopes reserved for them, and the rule that
 * issues those scopes only to a user holding the role, are in common/oauth/scope-policy.ts.
 */
export { ADMIN_ROLE, ADMIN_SCOPE } from '../common/oauth/scope-policy';
