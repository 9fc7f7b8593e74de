import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest as Request } from 'fastify';
import type { AuthenticatedClient } from '../../clients/clients.service';
import { ClientsService } from '../../clients/clients.service';
import { OAuthError } from '../../common/oauth/oauth-error';
import { SettingsService } from '../../settings/settings.service';
import { AuthorizeHttpRequest, rawAuthorizeInput } from '../authorize-request';
import { AuthorizeRequestValidator } from '../authorize-request.validator';
import { CSRF_FIELD } from '../csrf';
import { isFormSubmission } from '../form';
import { PushedAuthorizationRequests, REQUEST_URI_PREFIX } from '../par/pushed-authorization-requests';
import { PUSHED_REQUEST_FIELD, PushedRequestSeal } from '../par/pushed-request-seal';

/** The parameters an authorization request is made of, and whether the client pushed them first. */
interface RequestOrigin {
  readonly raw: Record<string, unknown>;
  readonly pushed: boolean;
}

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
    private readonly validator: AuthorizeRequestValidator,
    private readonly settings: SettingsService,
    private readonly pushedRequests: PushedAuthorizationRequests,
    private readonly seal: PushedRequestSeal,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthorizeHttpRequest>();
    req.isAuthorizeRoute = true;
    const input = rawAuthorizeInput(req);

    const clientId = input.client_id;
    if (typeof clientId !== 'string' || clientId === '') {
      throw new OAuthError('invalid_request', 'client_id is missing or repeated');
    }
    const client = await this.clients.findEnabled(clientId);
    if (!client) throw new OAuthError('invalid_request', 'unknown client');

    const { raw, pushed } = await this.origin(req, input, client);
    const target = this.validator.target(raw, client);
    // From here on the error renderer redirects to the target.
    req.authorizeTarget = target;
    if (!pushed && (client.requirePushedAuthorizationRequests || (await this.settings.get()).requirePushedAuthorizationRequests)) {
      throw new OAuthError('invalid_request', 'authorization requests must be pushed first (pushed_authorization_request_endpoint, RFC 9126)');
    }
    req.authorizeRequest = await this.validator.complete(raw, client, target, pushed);
    return true;
  }

  /**
   * A pushed request (RFC 9126 §4): only client_id and request_uri count, the pushed parameters
   * are the request and anything else sent along is ignored. Its request_uri is spent here, on
   * first use; the sign-in and consent forms then carry the parameters back under a seal.
   */
  private async origin(req: Request, input: Record<string, unknown>, client: AuthenticatedClient): Promise<RequestOrigin> {
    const requestUri = input.request_uri;
    // Any other request_uri (OpenID Connect Core §6.2) is refused by parseAuthorizeRequest, at the redirect URI.
    if (typeof requestUri === 'string' && requestUri.startsWith(REQUEST_URI_PREFIX)) {
      return { raw: { ...(await this.pushedRequests.redeem(requestUri, client.id)), client_id: client.id }, pushed: true };
    }
    if (isFormSubmission(req, CSRF_FIELD) && input[PUSHED_REQUEST_FIELD] !== undefined) {
      if (!this.seal.verify(client.id, input, input[PUSHED_REQUEST_FIELD])) {
        throw new OAuthError('invalid_request', 'the form expired or was altered; start again from the application');
      }
      return { raw: input, pushed: true };
    }
    return { raw: input, pushed: false };
  }
}
