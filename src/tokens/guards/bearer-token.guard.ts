import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest as Request } from 'fastify';
import { OAuthError } from '../../common/oauth/oauth-error';
import type { PresentationScheme } from '../binding/token-binding-registry';
import { TokenBindingRegistry } from '../binding/token-binding-registry';
import type { AccessTokenEntity } from '../entities/access-token.entity';
import { TokenStore } from '../token-store';

export type RequestWithAccessToken = Request & { accessToken?: AccessTokenEntity };

/** RFC 6750 §2.1 `Authorization: Bearer <b64token>`, or RFC 9449 §7.1 `DPoP <b64token>` (schemes case-insensitive). */
const AUTHORIZATION = /^(Bearer|DPoP)[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;

/** An access token as a request presents it. */
export interface PresentedToken {
  readonly scheme: PresentationScheme;
  readonly token: string;
}

/**
 * Protects resource endpoints: a missing, expired or revoked token is invalid_token (401); a
 * sender-constrained token needs its proof (a DPoP proof of its key, its client certificate).
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    private readonly store: TokenStore,
    private readonly bindings: TokenBindingRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithAccessToken>();
    const presented = this.presentedToken(req);
    const token = await this.store.findActiveAccessToken(presented.token);
    if (!token) throw new OAuthError('invalid_token', 'token is invalid, expired or revoked', { challenge: this.bindings.challenge(presented.scheme) });
    // A token issued for a resource server (RFC 8707) is for that API, not for this server's own
    // endpoints: otherwise the API could replay it here (RFC 9068 §4, audience restriction).
    if (token.resource !== null) {
      throw new OAuthError('invalid_token', 'token is for another resource server', { challenge: this.bindings.challenge(presented.scheme) });
    }
    // An unbound token presented as Bearer costs one comparison here.
    if (token.cnf !== null || presented.scheme !== 'bearer') await this.bindings.verify(req, presented.scheme, presented.token, token.cnf);
    req.accessToken = token;
    return true;
  }

  /** The token of the Authorization header (RFC 6750 §2.1, RFC 9449 §7.1). */
  protected presentedToken(req: Request): PresentedToken {
    const header = req.headers.authorization;
    if (header === undefined) throw new OAuthError('invalid_token', 'bearer token required');
    const match = AUTHORIZATION.exec(header);
    if (!match) throw new OAuthError('invalid_token', 'malformed bearer token');
    return { scheme: match[1].toLowerCase() as PresentationScheme, token: match[2] };
  }
}

/**
 * The userinfo endpoint's guard: the header, or with POST the form-encoded body parameter
 * `access_token` (RFC 6750 §2.2; OpenID Connect Core §5.3.1), never both (RFC 6750 §2: one method
 * per request). The management API keeps to the header.
 */
@Injectable()
export class UserInfoTokenGuard extends BearerTokenGuard {
  protected override presentedToken(req: Request): PresentedToken {
    const body: unknown = req.body;
    const inBody = req.method === 'POST' && typeof body === 'object' && body !== null && Object.hasOwn(body, 'access_token');
    if (!inBody) return super.presentedToken(req);
    if (req.headers.authorization !== undefined) throw new OAuthError('invalid_request', 'the access token must be sent in one way only');
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded'))
      throw new OAuthError('invalid_request', 'access_token in the body needs Content-Type application/x-www-form-urlencoded');
    const value = (body as Record<string, unknown>).access_token;
    if (typeof value !== 'string' || !/^[A-Za-z0-9\-._~+/]+=*$/.test(value)) throw new OAuthError('invalid_token', 'malformed bearer token');
    // A token in the body is a bearer token (RFC 6750 §2.2): a bound one is refused by its binding.
    return { scheme: 'bearer', token: value };
  }
}
