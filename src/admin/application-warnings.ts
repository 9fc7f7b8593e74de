import type { AuthenticatedClient } from '../clients/clients.service';
import { scopeTokens } from '../common/oauth/scope';
import { RESERVED_SCOPES } from '../common/oauth/scope-policy';

/**
 * Grant types whose tokens never act for a user: client_credentials (RFC 6749 §4.4), and
 * refresh_token, which only renews what another grant issued. Any other (authorization_code,
 * password, token exchange, an extension grant) may carry a user.
 */
const USERLESS_GRANT_TYPES: ReadonlySet<string> = new Set(['client_credentials', 'refresh_token']);

/**
 * What an administrator should know about an application's configuration that is allowed but
 * cannot work: a reserved scope listed by an application whose grant types never issue a token
 * for a user, which therefore can never receive it (common/oauth/scope-policy.ts).
 */
export function applicationWarnings(client: Pick<AuthenticatedClient, 'scope' | 'grantTypes'>): string[] {
  if (!client.grantTypes.every((grantType) => USERLESS_GRANT_TYPES.has(grantType))) return [];
  return scopeTokens(client.scope).flatMap((scope) => {
    const role = RESERVED_SCOPES.get(scope);
    if (role === undefined) return [];
    return [
      `scope ${scope} is only issued to users with the ${role} role, and grant types ${client.grantTypes.join(', ')} never issue a token for a user: this application can never receive it`,
    ];
  });
}
