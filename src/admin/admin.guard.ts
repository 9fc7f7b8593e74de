import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { currentRequestContext } from '../common/http/request-context';
import { OAuthError } from '../common/oauth/oauth-error';
import { BearerTokenGuard, type RequestWithAccessToken } from '../tokens/guards/bearer-token.guard';
import { ADMIN_ROLE, ADMIN_SCOPE } from '../users/roles';
import { UsersService } from '../users/users.service';

/**
 * Every /admin route: a valid bearer token (401 otherwise) carrying the admin scope and held by
 * a user with the admin role (403 insufficient_scope otherwise, RFC 6750 §3.1).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly bearer: BearerTokenGuard,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.bearer.canActivate(context);
    const req = context.switchToHttp().getRequest<RequestWithAccessToken>();
    const token = req.accessToken;
    if (!token || !token.scope.split(' ').includes(ADMIN_SCOPE)) {
      throw new OAuthError('insufficient_scope', 'the admin scope is required');
    }
    const user = token.userId ? await this.users.findEnabled(token.userId) : null;
    if (!user || !user.roles.includes(ADMIN_ROLE)) throw new OAuthError('insufficient_scope', 'the admin role is required');
    // The audit trail names the acting administrator (request-context.ts); nothing else reads it.
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.actorUserId = user.id;
    return true;
  }
}
