import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../clients/clients.service';
import { ResourceServersService } from '../resources/resource-servers.service';
import type { SealedOrigin } from './par/pushed-request-seal';
import { authorizeTarget, AuthorizeRequest, AuthorizeTarget, parseAuthorizeRequest } from './authorize-request';

/**
 * The checks of an authorization request that need no browser, shared by the authorization
 * endpoint and the pushed authorization request endpoint (RFC 9126 §2.1: the same validation).
 */
@Injectable()
export class AuthorizeRequestValidator {
  constructor(private readonly resources: ResourceServersService) {}

  /** The exact redirect URI, state and response mode: known first, so later errors can go there. */
  target(raw: Record<string, unknown>, client: AuthenticatedClient): AuthorizeTarget {
    return authorizeTarget(raw, client);
  }

  /** Everything else, the RFC 8707 resource included; `origin` says whether it was pushed or signed. */
  async complete(raw: Record<string, unknown>, client: AuthenticatedClient, target: AuthorizeTarget, origin: SealedOrigin): Promise<AuthorizeRequest> {
    const request = parseAuthorizeRequest(raw, client, target, origin);
    if (request.resource !== undefined) await this.resources.forClient(client, request.resource);
    return request;
  }
}
