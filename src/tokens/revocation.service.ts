import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../clients/clients.service';
import { isUnstoredJwt, TokenStore } from './token-store';

/** RFC 7009: what a client's revocation request revokes. */
@Injectable()
export class RevocationService {
  constructor(private readonly store: TokenStore) {}

  async revoke(caller: AuthenticatedClient, token: string, hint: string | undefined): Promise<void> {
    const found = await this.store.find(token, hint);
    // RFC 7009 §2.2: an unknown token, or one of another client, is answered 200 and left alone,
    // so the endpoint reveals nothing about tokens the caller does not own.
    if (!found || found.row.clientId !== caller.id) return;
    if (found.kind === 'refresh_token') {
      // RFC 7009 §2.1: revoking a refresh token also invalidates the access tokens of its grant.
      await this.store.revokeGrant(found.row.grantId, 'revocation_endpoint');
    } else {
      // A JWT, which has no row, is deny-listed until it expires.
      await this.store.revokeAccessToken(found.row.id, 'revocation_endpoint', isUnstoredJwt(found.row) ? found.row.expiresAt : undefined);
    }
  }
}
