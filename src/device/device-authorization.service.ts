import { Injectable } from '@nestjs/common';
import {
  clientScopes,
  InjectConfig,
  OAuthError,
  resolveScope,
  type AppConfig,
  type Authentication,
  type AuthenticatedClient,
} from '../tokens/grants/public-api';
import type { DeviceCodeEntity } from './device-code.entity';
import { DeviceCodeRepository } from './device-code.repository';
import { DEVICE_CODE_GRANT_TYPE } from './device-code.grant';
import { formatUserCode } from './user-code';

export const DEVICE_AUTHORIZATION_PATH = 'device_authorization';
export const VERIFICATION_PATH = 'device';

/** RFC 8628 §3.2, in wire names. */
export interface DeviceAuthorization {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly verification_uri_complete: string;
  readonly expires_in: number;
  readonly interval: number;
}

/** What the two endpoints of the module do: start a device authorization, and let a user decide on it. */
@Injectable()
export class DeviceAuthorizationService {
  constructor(
    private readonly codes: DeviceCodeRepository,
    @InjectConfig('device') private readonly device: AppConfig['device'],
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
  ) {}

  /** RFC 8628 §3.1–3.2: a device code and a user code for `client`, valid DEVICE_CODE_TTL seconds. */
  async start(client: AuthenticatedClient, requestedScope: string | undefined): Promise<DeviceAuthorization> {
    // RFC 8628 §3.1 defers to the token endpoint's errors: a client not registered for the grant is unauthorized_client.
    if (!client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE)) {
      throw new OAuthError('unauthorized_client', `the application may not use ${DEVICE_CODE_GRANT_TYPE}`);
    }
    const scope = resolveScope(requestedScope, clientScopes(client));
    const { codeTtl, interval } = this.device;
    const { deviceCode, userCode } = await this.codes.create(client, scope, codeTtl, interval);
    const verificationUri = `${this.issuer}/${VERIFICATION_PATH}`;
    const shown = formatUserCode(userCode);
    return {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${shown}`,
      expires_in: codeTtl,
      interval,
    };
  }

  /** The request a normalized user code names while the user may still decide on it, or null. */
  pending(userCode: string): Promise<DeviceCodeEntity | null> {
    return this.codes.findPending(userCode);
  }

  /** The user's answer; false when the request was decided meanwhile or has expired. */
  decide(
    id: string,
    decision: 'approved' | 'denied',
    user: { readonly userId: string; readonly authTime: number; readonly authentication: Authentication },
  ): Promise<boolean> {
    return this.codes.decide(id, decision, user.userId, user.authTime, user.authentication);
  }
}
