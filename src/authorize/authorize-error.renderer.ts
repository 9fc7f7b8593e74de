import { Injectable } from '@nestjs/common';
import type { FastifyReply as Response } from 'fastify';
import type { AuthorizeErrorRenderer } from '../common/oauth/authorize-error-renderer';
import type { OAuthError } from '../common/oauth/oauth-error';
import { AuthorizationResponder } from './authorization-response';
import type { AuthorizeHttpRequest } from './authorize-request';
import { sendPage } from './page-response';
import { Pages } from './views/pages';

/**
 * Errors at the authorization endpoint (fosite's authorize_error.go): once AuthorizeClientGuard has
 * proven the client and redirect URI, a redirect there with `error` and `state`; before that, or
 * for a server error, an HTML page (an unknown client or redirect URI is never redirected to).
 */
@Injectable()
export class AuthorizeErrorPages implements AuthorizeErrorRenderer {
  constructor(
    private readonly pages: Pages,
    private readonly responses: AuthorizationResponder,
  ) {}

  render(error: OAuthError, req: AuthorizeHttpRequest, res: Response): boolean {
    if (!req.isAuthorizeRoute) return false;
    const target = req.authorizeTarget;
    if (target && error.code !== 'server_error') {
      this.responses.send(res, target, { error: error.code, ...(error.description ? { error_description: error.description } : {}) });
    } else {
      sendPage(res, error.status, this.pages.error(error.code, error.description, req.id));
    }
    return true;
  }
}
