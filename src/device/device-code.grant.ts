import { IsNotEmpty, IsString } from 'class-validator';
import {
  defineOAuthErrorCode,
  GrantIssuer,
  GrantStrategyProvider,
  IdTokenService,
  nowSeconds,
  OAuthError,
  UsersService,
  type AuthenticatedClient,
  type GrantStrategy,
  type TokenResponse,
} from '../tokens/grants/public-api';
import { DeviceCodeRepository, SLOW_DOWN_SECONDS } from './device-code.repository';

export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** RFC 8628 §3.5: the answers of the token endpoint while the device waits. */
export const AUTHORIZATION_PENDING = defineOAuthErrorCode('authorization_pending', 400);
export const SLOW_DOWN = defineOAuthErrorCode('slow_down', 400);
export const EXPIRED_TOKEN = defineOAuthErrorCode('expired_token', 400);

/** RFC 8628 §3.4: the device access token request. */
export class DeviceCodeRequest {
  @IsString()
  @IsNotEmpty()
  device_code: string;
}

/**
 * RFC 8628 §3.4–3.5: the device polls with its device code until the user decides. Approved, the
 * request is spent by one conditional UPDATE before the tokens are issued, so they are issued once
 * whichever instance each poll reaches; a later poll is invalid_grant.
 */
@GrantStrategyProvider()
export class DeviceCodeGrant implements GrantStrategy<DeviceCodeRequest> {
  readonly grantType = DEVICE_CODE_GRANT_TYPE;
  readonly requestType = DeviceCodeRequest;

  constructor(
    private readonly codes: DeviceCodeRepository,
    private readonly issuer: GrantIssuer,
    private readonly users: UsersService,
    private readonly idTokens: IdTokenService,
  ) {}

  async handle(params: DeviceCodeRequest, client: AuthenticatedClient): Promise<TokenResponse> {
    const row = await this.codes.findByDeviceCode(params.device_code);
    // A device code of another client is reported exactly like an unknown one.
    if (!row || row.clientId !== client.id) throw new OAuthError('invalid_grant', 'invalid device code');
    if (row.status === 'spent') throw new OAuthError('invalid_grant', 'the device code was already used');
    if (row.expiresAt <= nowSeconds()) throw new OAuthError(EXPIRED_TOKEN, 'the device code expired; start a new device authorization');
    if (row.status === 'denied') throw new OAuthError('access_denied', 'the user denied the authorization request');
    if (row.status === 'pending') {
      if (!(await this.codes.pollInTime(row.id)))
        throw new OAuthError(SLOW_DOWN, `poll less often: the interval is now ${row.pollInterval + SLOW_DOWN_SECONDS} seconds`);
      throw new OAuthError(AUTHORIZATION_PENDING, 'the user has not yet approved the request');
    }
    // Spent in its own statement first: if issuing fails after it, the device starts over (fails closed).
    if (!(await this.codes.spend(row.id))) throw new OAuthError('invalid_grant', 'the device code was already used');
    const user = row.userId === null ? null : await this.users.findEnabled(row.userId);
    if (!user) throw new OAuthError('invalid_grant', 'resource owner is no longer active');
    const response = await this.issuer.issue({
      client,
      userId: user.id,
      scope: row.scope,
      grantId: row.id,
      withRefreshToken: true,
      authTime: row.authTime,
      authentication: row.authentication,
    });
    const idToken = await this.idTokens.issue({
      client,
      user,
      scope: row.scope,
      accessToken: response.access_token,
      authTime: row.authTime,
      authentication: row.authentication,
    });
    return idToken ? { ...response, id_token: idToken } : response;
  }
}
