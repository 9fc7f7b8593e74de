import { Injectable } from '@nestjs/common';
import { AuthenticatedClient, ClientsService } from '../clients/clients.service';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { mayReceiveScope } from '../common/oauth/scope-policy';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { authenticationClaims } from '../common/oauth/authentication';
import { UsersService } from '../users/users.service';
import { isActive, TokenStore } from './token-store';
import type { Confirmation } from './binding/confirmation';
import { TokenBindingRegistry } from './binding/token-binding-registry';

export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      /** `Bearer`, or `DPoP` for a DPoP-bound token (RFC 9449 §6.2). */
      token_type?: string;
      exp: number;
      iat: number;
      iss: string;
      sub?: string;
      username?: string;
      /** RFC 8707: the resource server the token is for. */
      aud?: string;
      jti?: string;
      /** RFC 9449 §6.2, RFC 8705 §3.2: the key or certificate the token is bound to. */
      cnf?: Confirmation;
      /** RFC 8176 and OpenID Connect Core §2: how the user signed in (tokens of a browser sign-in). */
      amr?: readonly string[];
      acr?: string;
      /** OpenID Connect Core §2: when the user authenticated (the sign-in or last step-up of the grant). */
      auth_time?: number;
    };

/** RFC 7662: who may learn what about a token. */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly store: TokenStore,
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    private readonly bindings: TokenBindingRegistry,
  ) {}

  async introspect(caller: AuthenticatedClient, token: string, hint: string | undefined): Promise<IntrospectionResponse> {
    const found = await this.store.find(token, hint);
    if (!found || !isActive(found)) return { active: false };
    const { row } = found;
    // Confidential clients act as resource servers and may introspect any token; a public client
    // only its own (RFC 7662 §4: do not reveal tokens to whoever asks).
    if (caller.isPublic && row.clientId !== caller.id) return { active: false };
    // A token of a disabled application or user is no longer active, though not revoked. A caller
    // introspecting its own token was found enabled by its authentication in this very request.
    if (row.clientId !== caller.id && !(await this.clients.findEnabled(row.clientId))) return { active: false };
    const user = row.userId === null ? null : await this.users.findEnabled(row.userId);
    if (row.userId !== null && !user) return { active: false };
    // A reserved scope whose role the user no longer holds (SECURITY.md, "Reserved scopes"): role
    // removal revokes such access tokens, but a resource server asking in between, or an instance
    // whose cache is stale, must not learn that the token still grants it. An access token carrying
    // one is inactive; a refresh token reports the scope its next refresh would yield.
    const scopes = scopeTokens(row.scope);
    const kept = scopes.filter((s) => mayReceiveScope(user, s));
    if (kept.length !== scopes.length && found.kind === 'access_token') return { active: false };
    return {
      active: true,
      scope: formatScope(kept),
      client_id: row.clientId,
      ...(found.kind === 'access_token' ? { token_type: this.bindings.tokenType(row.cnf) } : {}),
      exp: row.expiresAt,
      iat: row.createdAt,
      iss: this.issuer,
      ...(row.resource ? { aud: row.resource } : {}),
      ...(found.kind === 'access_token' ? { jti: row.id } : {}),
      ...(user ? { sub: user.id, username: user.username } : {}),
      ...(row.cnf ? { cnf: row.cnf } : {}),
      ...(row.authentication ? authenticationClaims(row.authentication) : {}),
      // RFC 7662 §2.2 allows members beyond its list; the grant's stored time (a JWT's claim).
      ...(row.authTime !== null ? { auth_time: row.authTime } : {}),
    };
  }
}
