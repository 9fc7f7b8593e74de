/**
 * What an endpoint for a signed-in user needs, from one path: the interaction kit (session,
 * sign-in, CSRF, page shell), the module that provides it, HTML escaping, the OpenAPI of its pages
 * and the rate limit of sign-in routes. What is not exported here may change without notice.
 */
export { InteractionKit } from './interaction-kit';
export type { ConsentRequest, SignedIn } from './interaction-kit';
export { escapeHtml } from './views/pages';
export { ApiErrorPageResponse, ApiPageResponse } from './api-page-responses';
export { RateLimit, RateLimitGuard } from '../security/rate-limit.guard';
export type { UserProfile } from '../users/users.service';
export { AuthorizeModule } from './authorize.module';
