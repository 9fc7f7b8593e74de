import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest as Request } from 'fastify';
import { OAuthError } from '../../common/oauth/oauth-error';
import type { AccessTokenEntity } from '../entities/access-token.entity';
import { TokenStore } from '../token-store';

export type RequestWithAccessToken = Request & { accessToken?: AccessTokenEntity };

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`. */
const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;

/** Protects resource endpoints; a missing, expired or revoked token is invalid_token (401). */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(private readonly store: TokenStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithAccessToken>();
    const header = req.headers.authorization;
    if (header === undefined) throw new OAuthError('invalid_token', 'bearer token required');
    const match = BEARER.exec(header);
    if (!match) throw new OAuthError('invalid_token', 'malformed bearer token');
    const token = await this.store.findActiveAccessToken(match[1]);
    if (!token) throw new OAuthError('invalid_token', 'token is invalid, expired or revoked');
    // A token issued for a resource server (RFC 8707) is for that API, not for this server's own
    // endpoints: otherwise the API could replay it here (RFC 9068 §4, audience restriction).
    if (token.resource !== null) throw new OAuthError('invalid_token', 'token is for another resource server');
    req.accessToken = token;
    return true;
  }
}
