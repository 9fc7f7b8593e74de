import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest as Request } from 'fastify';
import { oauthParameters } from '../../common/http/request-body';
import { OAuthError } from '../../common/oauth/oauth-error';
import { ThrottleService } from '../../security/throttle.service';
import { AuthenticatedClient, ClientsService } from '../clients.service';
import { parseClientCredentials } from './client-credentials.parser';

export type RequestWithClient = Request & { client?: AuthenticatedClient };

/** Authenticates the client at the token, revocation and introspection endpoints. */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  constructor(
    private readonly clients: ClientsService,
    private readonly throttle: ThrottleService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithClient>();
    const credentials = parseClientCredentials(req.headers.authorization, oauthParameters(req));
    const ip = req.ip ?? 'unknown';
    await this.throttle.assertClientNotLocked(credentials.clientId, ip);
    try {
      req.client = await this.clients.authenticate(credentials);
    } catch (error) {
      // Only a wrong id or secret counts towards the lockout: a database that could not answer
      // (503) says nothing about the credentials, and must not lock clients out after an outage.
      if (error instanceof OAuthError && error.code === 'invalid_client') await this.throttle.clientAuthFailed(credentials.clientId, ip);
      throw error;
    }
    return true;
  }
}
