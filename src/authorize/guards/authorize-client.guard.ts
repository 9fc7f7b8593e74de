import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ClientsService } from '../../clients/clients.service';
import { OAuthError } from '../../common/oauth/oauth-error';
import { ResourceServersService } from '../../resources/resource-servers.service';
import { authorizeTarget, AuthorizeHttpRequest, parseAuthorizeRequest, rawAuthorizeInput } from '../authorize-request';

/**
 * First gate of the authorization endpoint, and the one place its request is parsed. Until
 * client_id and redirect_uri are proven, every error is an HTML page and never a redirect
 * (RFC 6749 §4.1.2.1, §10.15 open redirectors). After that, errors go back to the client's
 * redirect URI with `state`. It leaves the frozen AuthorizeRequest on the request.
 */
@Injectable()
export class AuthorizeClientGuard implements CanActivate {
  constructor(
    private readonly clients: ClientsService,
    private readonly resources: ResourceServersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthorizeHttpRequest>();
    req.isAuthorizeRoute = true;
    const raw = rawAuthorizeInput(req);

    const clientId = raw.client_id;
    if (typeof clientId !== 'string' || clientId === '') {
      throw new OAuthError('invalid_request', 'client_id is missing or repeated');
    }
    const client = await this.clients.findEnabled(clientId);
    if (!client) throw new OAuthError('invalid_request', 'unknown client');

    const target = authorizeTarget(raw, client);
    // From here on the error renderer redirects to the target.
    req.authorizeTarget = target;
    const request = parseAuthorizeRequest(raw, client, target);
    if (request.resource !== undefined) await this.resources.forClient(client, request.resource);
    req.authorizeRequest = request;
    return true;
  }
}
