import { AuthenticatedClient, clientScopes } from '../../clients/clients.service';
import { OAuthError } from '../../common/oauth/oauth-error';
import { nowSeconds } from '../../common/time';
import { resolveScope } from '../../common/oauth/scope-policy';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { LoginService } from '../../users/login.service';
import { passwordAuthentication } from '../../users/factors/mfa-policy';
import { SignInFactorsService } from '../../users/factors/sign-in-factors.service';
import type { TokenResponse } from '../token-response';
import { GrantIssuer } from '../token-issuer';
import { PasswordRequest } from './dto/password.request';
import type { GrantStrategy } from './grant-strategy';
import { GrantStrategyProvider } from './grant-strategy.decorator';

/** RFC 6749 §4.3, resource owner password credentials (seeds 003 and 004). */
@GrantStrategyProvider()
export class PasswordGrant implements GrantStrategy<PasswordRequest> {
  readonly grantType = 'password';
  readonly requestType = PasswordRequest;

  constructor(
    private readonly issuer: GrantIssuer,
    private readonly logins: LoginService,
    private readonly factors: SignInFactorsService,
    @InjectConfig('mfa') private readonly mfa: AppConfig['mfa'],
  ) {}

  async handle(params: PasswordRequest, client: AuthenticatedClient): Promise<TokenResponse> {
    // Scope first: a bad scope must not cost a password hash.
    const scope = resolveScope(params.scope, clientScopes(client));
    const login = await this.logins.attempt(params.username, params.password, 'password_grant', client.id);
    if (!login.ok && login.reason === 'locked') {
      throw new OAuthError('invalid_grant', 'too many failed attempts for this user, try again later');
    }
    // RFC 6749 §5.2 has no code for it; the 503 of §4.1.2.1 says the request had no effect.
    if (!login.ok && login.reason === 'unavailable') throw new OAuthError('temporarily_unavailable', 'the user directory is not answering, try again later');
    // One message for unknown user, wrong password and disabled account.
    if (!login.ok) throw new OAuthError('invalid_grant', 'invalid resource owner credentials');
    // The grant has no step for a second factor: a user who has one (policy optional) or must have
    // one (required) signs in through the browser, where it is asked. Checked only after the
    // password, so a wrong password says nothing about the user's factors.
    const authentication = passwordAuthentication(this.mfa);
    if (await this.factors.pendingFactor({ userId: login.user.id, client, authentication })) {
      throw new OAuthError('invalid_grant', 'this sign-in needs a second factor: use the authorization code flow');
    }
    // The user authenticated just now (auth_time of the ID Tokens a refresh of this grant returns).
    // A reserved scope (admin) is refused by the issuer to a user without its role.
    return this.issuer.issue({
      client,
      userId: login.user.id,
      scope,
      withRefreshToken: true,
      resource: params.resource,
      authTime: nowSeconds(),
      // RFC 8176: a password alone.
      authentication,
    });
  }
}
