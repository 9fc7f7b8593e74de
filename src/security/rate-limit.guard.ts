import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import type { FastifyRequest as Request } from 'fastify';
import { RateLimitedRoute, ThrottleService } from './throttle.service';

const RATE_LIMIT_KEY = 'oauth:rate-limit';

/** The bucket of a route, or a function of the request that picks it (one path serving two kinds of request). */
export type RateLimitBucket = RateLimitedRoute | ((req: Request) => RateLimitedRoute);

/** Marks a controller or route for the per-IP rate limit of one bucket, and documents its 429. */
export const RateLimit = (route: RateLimitBucket) =>
  applyDecorators(SetMetadata(RATE_LIMIT_KEY, route), ApiTooManyRequestsResponse({ type: ErrorResponse, description: TOO_MANY_REQUESTS }));

const TOO_MANY_REQUESTS =
  'too_many_requests: over the per-IP rate limit, or this client id is locked for this IP after failed authentications; `Retry-After` says when to retry';

/** The 429 of routes that authenticate the client without a rate limit of their own (client lockout). */
export const ApiClientLockoutResponse = () =>
  ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description: 'too_many_requests: this client id is locked for this IP after failed authentications; `Retry-After` says when to retry',
  });

/** Per-IP request limit; runs before client authentication so that it also slows guessing. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly throttle: ThrottleService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const bucket = this.reflector.getAllAndOverride<RateLimitBucket | undefined>(RATE_LIMIT_KEY, [context.getHandler(), context.getClass()]);
    if (!bucket) return true;
    const req = context.switchToHttp().getRequest<Request>();
    await this.throttle.limitRequest(typeof bucket === 'function' ? bucket(req) : bucket, req.ip ?? 'unknown');
    return true;
  }
}
