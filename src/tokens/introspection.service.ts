import { Inject, Injectable } from '@nestjs/common';
import { AuthenticatedClient, ClientsService } from '../clients/clients.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { isActive, TokenStore } from './token-store';

export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      token_type?: 'Bearer';
      exp: number;
      iat: number;
      iss: string;
      sub?: string;
      username?: string;
      /** RFC 8707: the resource server the token is for. */
      aud?: string;
      jti?: string;
    };

/** RFC 7662: who may learn what about a token. */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly store: TokenStore,
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async introspect(caller: AuthenticatedClient, token: string, hint: string | undefined): Promise<IntrospectionResponse> {
    const found = await this.store.find(token, hint);
    if (!found || !isActive(found)) return { active: false };
    const { row } = found;
    // Confidential clients act as resource servers and may introspect any token; a public client
    // only its own (RFC 7662 §4: do not reveal tokens to whoever asks).
    if (caller.isPublic && row.clientId !== caller.id) return { active: false };
    // A token of a disabled application or user is no longer active, though not revoked.
    if (!(await this.clients.findEnabled(row.clientId))) return { active: false };
    const user = row.userId === null ? null : await this.users.findEnabled(row.userId);
    if (row.userId !== null && !user) return { active: false };
    return {
      active: true,
      scope: row.scope,
      client_id: row.clientId,
      ...(found.kind === 'access_token' ? { token_type: 'Bearer' as const } : {}),
      exp: row.expiresAt,
      iat: row.createdAt,
      iss: this.config.issuer,
      ...(row.resource ? { aud: row.resource } : {}),
      ...(found.kind === 'access_token' ? { jti: row.id } : {}),
      ...(user ? { sub: user.id, username: user.username } : {}),
    };
  }
}
