import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest as Request } from 'fastify';
import { oauthParameters } from '../../common/http/request-body';
import { OAuthError } from '../../common/oauth/oauth-error';
import { addressedBaseUrl } from '../../common/http/addressed-base-url';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { ThrottleService } from '../../security/throttle.service';
import { ClientCertificates } from '../authentication/client-certificate';
import { ClientAuthenticationRegistry } from '../authentication/client-authentication-registry';
import type { AuthenticatedClient } from '../clients.service';
import { assertFapiClientAuthentication, fapiApplies } from '../fapi-profile';

export type RequestWithClient = Request & { client?: AuthenticatedClient };

/**
 * Authenticates the client at the token, revocation and introspection endpoints (form or JSON
 * body alike), with the method its application is registered for (ClientAuthenticationRegistry).
 */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  constructor(
    private readonly methods: ClientAuthenticationRegistry,
    private readonly throttle: ThrottleService,
    private readonly certificates: ClientCertificates,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    @InjectConfig('mtlsEndpointBaseUrl') private readonly mtlsEndpointBaseUrl: AppConfig['mtlsEndpointBaseUrl'],
    @InjectConfig('fapiProfile') private readonly fapiProfile: AppConfig['fapiProfile'],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithClient>();
    const base = addressedBaseUrl(req.host, { issuer: this.issuer, mtlsEndpointBaseUrl: this.mtlsEndpointBaseUrl });
    const presented = this.methods.present({
      headers: req.headers,
      parameters: oauthParameters(req),
      // The route's own path (not the URL as typed: paths match case-insensitively), under the issuer (or the mTLS alias base).
      endpoint: `${base}${req.routeOptions.url ?? req.url.split('?')[0]}`,
      certificate: this.certificates.of(req),
    });
    const { clientId } = presented.presented;
    const ip = req.ip ?? 'unknown';
    await this.throttle.assertClientNotLocked(clientId, ip);
    try {
      req.client = await this.methods.authenticate(presented);
    } catch (error) {
      // Only a wrong id or secret counts towards the lockout: a database that could not answer
      // (503) says nothing about the credentials, and must not lock clients out after an outage.
      if (error instanceof OAuthError && error.code === 'invalid_client') await this.throttle.clientAuthFailed(clientId, ip);
      throw error;
    }
    if (fapiApplies(req.client, this.fapiProfile)) assertFapiClientAuthentication(req.client);
    return true;
  }
}
