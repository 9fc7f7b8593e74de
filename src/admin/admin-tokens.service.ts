import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth-error';
import { TokenStore } from '../tokens/token-store';

/** The admin API's revocation of one token. */
@Injectable()
export class AdminTokensService {
  constructor(private readonly tokens: TokenStore) {}

  /** Revokes a token by its id (a refresh token takes its whole grant with it); not_found when unknown. */
  async revoke(id: string): Promise<void> {
    if (!(await this.tokens.revokeById(id))) throw new OAuthError('not_found', 'token not found');
  }
}
