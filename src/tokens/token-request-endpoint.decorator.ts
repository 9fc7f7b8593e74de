import { applyDecorators, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiConsumes, ApiOperation, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { ApiClientLockoutResponse } from '../security/rate-limit.guard';

/**
 * A POST of one token (TokenRequestDto) by an authenticated client, answered 200: revocation
 * (RFC 7009 §2.1) and introspection (RFC 7662 §2.1) take their client authentication and errors
 * from the token endpoint, and say so here once. The route adds its own 200 answer.
 */
export function TokenRequestEndpoint(paths: string[], summary: string): MethodDecorator {
  return applyDecorators(
    Post(paths),
    HttpCode(200),
    UseGuards(ClientAuthGuard),
    ApiClientLockoutResponse(),
    ApiOperation({ summary }),
    ApiBasicAuth('client'),
    ApiConsumes('application/x-www-form-urlencoded', 'application/json'),
    ApiBadRequestResponse({ type: ErrorResponse, description: 'invalid_request: token missing' }),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: 'invalid_client' }),
  );
}
