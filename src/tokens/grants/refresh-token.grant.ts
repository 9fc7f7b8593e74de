import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { AuthenticatedClient, clientScopes } from '../../clients/clients.service';
import { OAuthError } from '../../common/oauth/oauth-error';
import { formatScope, scopeTokens } from '../../common/oauth/scope';
import { mayReceiveScope, narrowScope } from '../../common/oauth/scope-policy';
import { nowSeconds } from '../../common/time';
import { type UserProfile, UsersService } from '../../users/users.service';
import { IdTokenService } from '../../oidc/id-token.service';
import { sameResource } from './authorization-code.grant';
import type { TokenResponse } from '../token-response';
import { GrantIssuer, type Replaced } from '../token-issuer';
import { GrantTokenLookup } from '../token-store';
import type { RefreshTokenEntity } from '../entities/refresh-token.entity';
import { RefreshTokenRequest } from './dto/refresh-token.request';
import type { GrantStrategy } from './grant-strategy';
import { GrantStrategyProvider } from './grant-strategy.decorator';
import { presentedConfirmation } from './issuing-grant';
import { sameConfirmation } from '../binding/confirmation';

/**
 * RFC 6749 §6. By default with rotation and reuse detection (RFC 9700 §4.14.2); a client whose
 * `refresh_token_rotation` is `reuse` keeps one refresh token until it expires (WSO2's and
 * Spring's default, so that migrated clients that keep the first refresh token keep working).
 */
@GrantStrategyProvider()
export class RefreshTokenGrant implements GrantStrategy<RefreshTokenRequest> {
  readonly grantType = 'refresh_token';
  readonly requestType = RefreshTokenRequest;

  constructor(
    private readonly issuer: GrantIssuer,
    private readonly store: GrantTokenLookup,
    private readonly users: UsersService,
    private readonly idTokens: IdTokenService,
    @InjectConfig('refreshReuseGraceSeconds') private readonly refreshReuseGraceSeconds: AppConfig['refreshReuseGraceSeconds'],
  ) {}

  handle(params: RefreshTokenRequest, client: AuthenticatedClient): Promise<TokenResponse> {
    return this.refresh(params, client, false);
  }

  /** `again`: the presentation is served a second time, after a compensation made its token spendable again. */
  private async refresh(params: RefreshTokenRequest, client: AuthenticatedClient, again: boolean): Promise<TokenResponse> {
    const stored = await this.store.findRefreshToken(params.refresh_token);
    if (!stored || stored.clientId !== client.id || stored.revokedAt !== null) {
      throw new OAuthError('invalid_grant', 'invalid refresh token');
    }
    // RFC 9449 §5, RFC 8705 §4: a bound refresh token (a public client's) is used only with a
    // proof of the same key or certificate; presenting it without one, or with another, is refused.
    if (stored.cnf !== null && !sameConfirmation(stored.cnf, presentedConfirmation())) {
      throw new OAuthError('invalid_grant', 'the refresh token is bound to another key or certificate');
    }
    const resource = sameResource(stored.resource, params.resource);
    const reuse = client.refreshTokenRotation === 'reuse';
    let replaced: Replaced | null = null;
    if (stored.rotatedAt !== null) {
      // Rotated before the client switched to `reuse`: refused, but it revokes nothing.
      if (reuse) throw new OAuthError('invalid_grant', 'refresh token was already used');
      // A client retrying the same refresh concurrently is refused without losing its new tokens,
      // within the configured grace period (off by default; it keeps the first answer).
      if (nowSeconds() - stored.rotatedAt < this.refreshReuseGraceSeconds) {
        throw new OAuthError('invalid_grant', 'refresh token was just rotated');
      }
      // The retry of a refresh whose answer never arrived (a 503 while its COMMIT went through):
      // its tokens were never used, and are replaced (token-issuer.ts unreceived()).
      replaced = await this.issuer.unreceived(client, stored.grantId, stored.id, stored.rotatedAt);
      // Otherwise a rotated token came back: either the client or an attacker holds a stolen copy.
      if (!replaced) return this.reusedUnlessCompensated(params, client, stored, again);
    } else if (stored.expiresAt <= nowSeconds()) {
      throw new OAuthError('invalid_grant', 'refresh token expired');
    }

    let user: UserProfile | null = null;
    if (stored.userId !== null) {
      user = await this.users.findEnabled(stored.userId);
      if (!user) throw new OAuthError('invalid_grant', 'resource owner is no longer active');
    }
    // RFC 6749 §6: the new scope may only narrow the original grant; omitted means unchanged.
    // Scopes since removed from the client, and reserved scopes whose role the user has lost since,
    // are not renewed, neither in the access token nor in the new refresh token.
    const stillAllowed = new Set(clientScopes(client));
    const grantScopes = scopeTokens(stored.scope).filter((s) => stillAllowed.has(s) && mayReceiveScope(user, s));
    const scope = narrowScope(params.scope, grantScopes);
    if (reuse) {
      // RFC 6749 §6: the server MAY issue a new refresh token; here it returns the one presented.
      const access = await this.issuer.issue({
        client,
        userId: stored.userId,
        scope,
        grantId: stored.grantId,
        withRefreshToken: false,
        resource,
        refreshResource: stored.resource,
        claims: stored.claims,
      });
      // Nothing is spent here, so a revocation of the family (or of its user, or client) may have
      // run after the check above, before the new access token was stored: look again, waiting for
      // a revocation still holding the token's row (its UPDATEs did not see the new access token),
      // and revoke what was issued.
      if (await this.store.refreshTokenRevoked(stored.id)) {
        await this.store.revokeGrant(stored.grantId, 'refresh_token_revoked');
        throw new OAuthError('invalid_grant', 'invalid refresh token');
      }
      return this.withIdToken({ ...access, refresh_token: params.refresh_token }, client, stored, scope, user);
    }
    // Rotating the old token and storing the new ones commit together; the new refresh token
    // keeps the scope of the one it replaces (RFC 6749 §6), less what is no longer issued above.
    const context = {
      client,
      userId: stored.userId,
      scope,
      grantId: stored.grantId,
      withRefreshToken: true,
      refreshScope: formatScope(grantScopes),
      authTime: stored.authTime,
      authentication: stored.authentication,
      resource,
      refreshResource: stored.resource,
      presentedRefreshTokenId: stored.id,
      claims: stored.claims,
    };
    const response = replaced
      ? await this.issuer.reissue(context, replaced)
      : await this.issuer.issueSpending(context, { kind: 'refresh_token', id: stored.id });
    if (!response) {
      // Lost a race with a concurrent use of the same token: within the grace period, refused quietly.
      // A retry that lost its race was overtaken by a use of the tokens it would replace: reuse.
      if (!replaced && this.refreshReuseGraceSeconds > 0) throw new OAuthError('invalid_grant', 'refresh token was just rotated');
      return this.reusedUnlessCompensated(params, client, stored, again);
    }
    return this.withIdToken(response, client, stored, scope, user);
  }

  /** OpenID Connect Core §12.2: a refresh of an openid grant returns an ID Token for the same user and auth_time. */
  /** `scope`: the refreshed grant's, before a resource narrowed the access token's to that API's scopes. */
  private async withIdToken(
    response: TokenResponse,
    client: AuthenticatedClient,
    stored: RefreshTokenEntity,
    scope: string,
    user: UserProfile | null,
  ): Promise<TokenResponse> {
    if (user === null) return response;
    const idToken = await this.idTokens.issue({
      client,
      user,
      scope,
      accessToken: response.access_token,
      authTime: stored.authTime,
      authentication: stored.authentication,
      claims: stored.claims,
    });
    return idToken ? { ...response, id_token: idToken } : response;
  }

  /**
   * Reuse detection, unless the refresh token is spendable again since it was read. Only the
   * compensation of a write whose answer was lost makes a spent refresh token spendable again
   * (TokenCompensator, on this instance or another: the database is all they share), and it revokes
   * the tokens that write issued in the same commit. A retry that read the token spent just before
   * that commit then finds no tokens to replace, or loses its spend of them to it: it is no replay,
   * and is served as the presentation of a spendable token it now is, once. A replay of a token
   * whose successor was used still finds it spent, and is reuse.
   */
  private async reusedUnlessCompensated(
    params: RefreshTokenRequest,
    client: AuthenticatedClient,
    stored: RefreshTokenEntity,
    again: boolean,
  ): Promise<TokenResponse> {
    if (!again) {
      const now = await this.store.findRefreshToken(params.refresh_token);
      if (now !== null && now.rotatedAt === null && now.revokedAt === null) return this.refresh(params, client, true);
    }
    return this.reused(stored);
  }

  /** RFC 9700 §4.14.2: reuse of a rotated token revokes the whole family. */
  private async reused(stored: RefreshTokenEntity): Promise<never> {
    // The spend of the winning request committed with its new tokens, so they are revoked too.
    await this.store.revokeGrant(stored.grantId, 'refresh_token_reuse');
    throw new OAuthError('invalid_grant', 'refresh token was already used');
  }
}
