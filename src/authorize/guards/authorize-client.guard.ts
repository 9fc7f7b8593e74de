import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest as Request } from 'fastify';
import type { AuthenticatedClient } from '../../clients/clients.service';
import { ClientsService } from '../../clients/clients.service';
import { OAuthError } from '../../common/oauth/oauth-error';
import { AuthorizeHttpRequest, rawAuthorizeInput } from '../authorize-request';
import { AuthorizeRequestValidator } from '../authorize-request.validator';
import { CSRF_FIELD } from '../csrf';
import { isFormSubmission } from '../form';
import { PushedAuthorizationRequests, REQUEST_URI_PREFIX } from '../par/pushed-authorization-requests';
import { PUSHED_REQUEST_FIELD, PushedRequestSeal, SealedOrigin } from '../par/pushed-request-seal';
import { isUnsignedRequestObject, RequestObjectVerifier } from '../request-object.verifier';

/** The parameters an authorization request is made of, and whether the client pushed or signed them. */
interface RequestOrigin extends SealedOrigin {
  readonly raw: Record<string, unknown>;
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
    private readonly pushedRequests: PushedAuthorizationRequests,
    private readonly requestObjects: RequestObjectVerifier,
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

    const origin = await this.origin(req, input, client);
    const target = this.validator.target(origin.raw, client);
    // From here on the error renderer redirects to the target.
    req.authorizeTarget = target;
    await this.validator.assertOrigin(client, origin);
    req.authorizeRequest = await this.validator.complete(origin.raw, client, target, origin);
    return true;
  }

  /**
   * A pushed request (RFC 9126 §4) or a signed request object (RFC 9101 §5): only client_id and
   * request_uri or request count, the pushed or signed parameters are the request and anything else
   * sent along is ignored. The request_uri is read here (spent when the request is answered, so a
   * reload before that works: RFC 9126 §4), the object's jti spent on first use; the sign-in and
   * consent forms then carry the parameters back under a seal.
   */
  private async origin(req: Request, input: Record<string, unknown>, client: AuthenticatedClient): Promise<RequestOrigin> {
    const { request_uri: requestUri, request } = input;
    if (requestUri !== undefined && request !== undefined) throw new OAuthError('invalid_request', 'send request or request_uri, not both');
    // Any other request_uri (OpenID Connect Core §6.2) is refused by parseAuthorizeRequest, at the redirect URI.
    if (typeof requestUri === 'string' && requestUri.startsWith(REQUEST_URI_PREFIX)) {
      const pushed = await this.pushedRequests.read(requestUri, client.id);
      return { raw: { ...pushed.parameters, client_id: client.id }, pushed: true, signed: pushed.signed, pushedRequestId: pushed.id };
    }
    // An unsigned one is refused by parseAuthorizeRequest too (request_not_supported).
    if (typeof request === 'string' && !isUnsignedRequestObject(request)) {
      return { raw: await this.requestObjects.parameters(request, client), pushed: false, signed: true };
    }
    if (isFormSubmission(req, CSRF_FIELD) && input[PUSHED_REQUEST_FIELD] !== undefined) {
      const sealed = this.seal.verify(client.id, input, input[PUSHED_REQUEST_FIELD]);
      if (!sealed) throw new OAuthError('invalid_request', 'the form expired or was altered; start again from the application');
      return { raw: input, ...sealed };
    }
    return { raw: input, pushed: false, signed: false };
  }
}
