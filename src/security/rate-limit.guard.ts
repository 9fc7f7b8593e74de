import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest as Request } from 'fastify';
import { RateLimitedRoute, ThrottleService } from './throttle.service';

const RATE_LIMIT_KEY = 'oauth:rate-limit';

/** Marks a controller or route for the per-IP rate limit of one bucket. */
export const RateLimit = (route: RateLimitedRoute) => SetMetadata(RATE_LIMIT_KEY, route);

/** Per-IP request limit; runs before client authentication so that it also slows guessing. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly throttle: ThrottleService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.reflector.getAllAndOverride<RateLimitedRoute | undefined>(RATE_LIMIT_KEY, [context.getHandler(), context.getClass()]);
    if (!route) return true;
    const req = context.switchToHttp().getRequest<Request>();
    await this.throttle.limitRequest(route, req.ip ?? 'unknown');
    return true;
  }
}
