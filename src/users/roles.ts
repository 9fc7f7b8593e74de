import { OAuthError } from '../common/oauth/oauth-error';

/** The role that makes a user an administrator. */
export const ADMIN_ROLE = 'admin';
/** The scope the management API requires; only administrators may receive it. */
export const ADMIN_SCOPE = 'admin';

/** Refuses a token carrying the admin scope to a user without the admin role. */
export function assertUserMayReceiveScope(user: { readonly roles: readonly string[] }, scope: string): void {
  if (scope.split(' ').includes(ADMIN_SCOPE) && !user.roles.includes(ADMIN_ROLE)) {
    throw new OAuthError('invalid_scope', 'only administrators may receive the admin scope');
  }
}
