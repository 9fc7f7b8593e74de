import { AuthenticatedClient, clientScopes } from '../../clients/clients.service';
import { OAuthError } from '../../common/oauth/oauth-error';
import { resolveScope } from '../../common/oauth/scope-policy';
import type { TokenResponse } from '../token-response';
import { GrantIssuer } from '../token-issuer';
import { ClientCredentialsRequest } from './dto/client-credentials.request';
import type { GrantStrategy } from './grant-strategy';
import { GrantStrategyProvider } from './grant-strategy.decorator';

/** RFC 6749 §4.4. Confidential clients only; no refresh token (§4.4.3). */
@GrantStrategyProvider()
export class ClientCredentialsGrant implements GrantStrategy<ClientCredentialsRequest> {
  readonly grantType = 'client_credentials';
  readonly requestType = ClientCredentialsRequest;

  constructor(private readonly issuer: GrantIssuer) {}

  async handle(params: ClientCredentialsRequest, client: AuthenticatedClient): Promise<TokenResponse> {
    if (client.isPublic) {
      throw new OAuthError('unauthorized_client', 'public clients cannot use client_credentials');
    }
    const scope = resolveScope(params.scope, clientScopes(client));
    return this.issuer.issue({ client, userId: null, scope, withRefreshToken: false, resource: params.resource });
  }
}
