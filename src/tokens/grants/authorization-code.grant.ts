import type { AuthenticatedClient } from '../../clients/clients.service';
import { OAuthError } from '../../common/oauth/oauth-error';
import { nowSeconds } from '../../common/time';
import { verifyPkce } from '../../pkce/pkce';
import { UsersService } from '../../users/users.service';
import { IdTokenService } from '../../oidc/id-token.service';
import { AuthorizationCodeService } from '../authorization-code.service';
import type { TokenResponse } from '../token-response';
import { GrantIssuer } from '../token-issuer';
import { GrantTokenLookup } from '../token-store';
import { AuthorizationCodeRequest } from './dto/authorization-code.request';
import type { GrantStrategy } from './grant-strategy';
import { GrantStrategyProvider } from './grant-strategy.decorator';
import { presentedConfirmation } from './issuing-grant';

/**
 * RFC 8707 §2.2: the token request may name the resource of the grant again, or name one when the
 * grant named none; another one is invalid_target.
 */
export function sameResource(granted: string | null, requested: string | undefined): string | null {
  if (requested === undefined || requested === granted) return granted;
  if (granted !== null) throw new OAuthError('invalid_target', 'resource differs from the one this grant was issued for');
  return requested;
}

/** RFC 6749 §4.1.3 with RFC 7636 §4.6. */
@GrantStrategyProvider()
export class AuthorizationCodeGrant implements GrantStrategy<AuthorizationCodeRequest> {
  readonly grantType = 'authorization_code';
  readonly requestType = AuthorizationCodeRequest;

  constructor(
    private readonly codes: AuthorizationCodeService,
    private readonly issuer: GrantIssuer,
    private readonly store: GrantTokenLookup,
    private readonly users: UsersService,
    private readonly idTokens: IdTokenService,
  ) {}

  async handle(params: AuthorizationCodeRequest, client: AuthenticatedClient): Promise<TokenResponse> {
    const code = await this.codes.find(params.code);
    // A code of another client is reported exactly like an unknown one.
    if (!code || code.clientId !== client.id) throw new OAuthError('invalid_grant', 'invalid authorization code');
    // RFC 6749 §4.1.2: a code is used once. A second presentation is denied and revokes what the
    // first issued, whoever presents it and however soon: a client whose first answer was lost
    // starts a new authorization (the refresh token grant alone has a retry window).
    if (code.spentAt !== null) return this.replayed(code.id);
    if (code.expiresAt <= nowSeconds()) throw new OAuthError('invalid_grant', 'authorization code expired');

    // RFC 6749 §4.1.3: redirect_uri must be identical when it was part of the authorization request.
    if (params.redirect_uri !== undefined ? params.redirect_uri !== code.redirectUri : code.redirectUriProvided) {
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
    }
    verifyPkce(code, params.code_verifier);
    // RFC 9449 §10: a code requested with dpop_jkt is redeemed only with a proof of that key.
    if (code.dpopJkt !== null && presentedConfirmation()?.jkt !== code.dpopJkt) {
      throw new OAuthError('invalid_grant', 'the DPoP proof key is not the dpop_jkt of the authorization request');
    }
    const resource = sameResource(code.resource, params.resource);

    const user = await this.users.findEnabled(code.userId);
    if (!user) throw new OAuthError('invalid_grant', 'resource owner is no longer active');
    // The issuer checks the code's scope against the client's list and the user's roles as they are
    // now (a reserved scope whose role was removed since the consent is invalid_scope).
    // Spending the code and storing the tokens commit together (one conditional UPDATE decides), so
    // a replay that loses the race revokes after these tokens exist, and none escapes.
    const context = {
      client,
      userId: user.id,
      scope: code.scope,
      grantId: code.id,
      withRefreshToken: true,
      authTime: code.authTime,
      authentication: code.authentication,
      resource,
      refreshResource: code.resource,
      claims: code.claims,
    };
    const response = await this.issuer.issueSpending(context, { kind: 'authorization_code', id: code.id });
    // Lost a race: with a concurrent redemption (a replay too), or with the code's voiding (the
    // user or application disabled, the consent withdrawn: the code is gone, nothing to revoke).
    if (!response) {
      const current = await this.codes.find(params.code);
      if (current && current.spentAt !== null) return this.replayed(code.id);
      throw new OAuthError('invalid_grant', 'invalid authorization code');
    }
    const idToken = await this.idTokens.issue({
      client,
      user,
      scope: code.scope,
      accessToken: response.access_token,
      authTime: code.authTime,
      authentication: code.authentication,
      nonce: code.nonce,
      claims: code.claims,
    });
    return idToken ? { ...response, id_token: idToken } : response;
  }

  /** RFC 6749 §4.1.2: a replayed code revokes every token issued from it. */
  private async replayed(codeId: string): Promise<never> {
    await this.store.revokeGrant(codeId, 'code_replay');
    throw new OAuthError('invalid_grant', 'authorization code was already used');
  }
}
