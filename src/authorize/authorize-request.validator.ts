import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { assertFapiAuthorizeRequest, assertFapiPushed, fapiApplies } from '../clients/fapi-profile';
import type { AuthenticatedClient } from '../clients/clients.service';
import { OAuthError } from '../common/oauth/oauth-error';
import { ResourceServersService } from '../resources/resource-servers.service';
import { SettingsService } from '../settings/settings.service';
import type { SealedOrigin } from './par/pushed-request-seal';
import { authorizeTarget, AuthorizeRequest, AuthorizeTarget, parseAuthorizeRequest } from './authorize-request';

/**
 * The checks of an authorization request that need no browser, shared by the authorization
 * endpoint and the pushed authorization request endpoint (RFC 9126 §2.1: the same validation).
 */
@Injectable()
export class AuthorizeRequestValidator {
  constructor(
    private readonly resources: ResourceServersService,
    private readonly settings: SettingsService,
    @InjectConfig('fapiProfile') private readonly fapiProfile: AppConfig['fapiProfile'],
    @InjectConfig('mfa') private readonly mfa: AppConfig['mfa'],
  ) {}

  /**
   * How the request must reach us: pushed first (RFC 9126 §5, §6: the global setting or the
   * application's) and as a signed request object (RFC 9101 §10.5). The one place a profile that
   * forces either (FAPI 2.0) hooks in.
   */
  async assertOrigin(client: AuthenticatedClient, origin: SealedOrigin): Promise<void> {
    if (fapiApplies(client, this.fapiProfile)) assertFapiPushed(origin.pushed);
    if (!origin.pushed && (client.requirePushedAuthorizationRequests || (await this.settings.get()).requirePushedAuthorizationRequests)) {
      throw new OAuthError('invalid_request', 'authorization requests must be pushed first (pushed_authorization_request_endpoint, RFC 9126)');
    }
    if (!origin.signed && client.requireSignedRequestObject) {
      throw new OAuthError('invalid_request', 'this client must send a signed request object (RFC 9101)');
    }
  }

  /** The exact redirect URI, state and response mode: known first, so later errors can go there. */
  target(raw: Record<string, unknown>, client: AuthenticatedClient): AuthorizeTarget {
    return authorizeTarget(raw, client);
  }

  /** Everything else, the RFC 8707 resource included; `origin` says whether it was pushed or signed. */
  async complete(raw: Record<string, unknown>, client: AuthenticatedClient, target: AuthorizeTarget, origin: SealedOrigin): Promise<AuthorizeRequest> {
    const request = parseAuthorizeRequest(raw, client, target, origin, [this.mfa.passwordAcr, this.mfa.mfaAcr]);
    if (fapiApplies(client, this.fapiProfile)) assertFapiAuthorizeRequest(request);
    if (request.resource !== undefined) await this.resources.forClient(client, request.resource);
    return request;
  }
}
