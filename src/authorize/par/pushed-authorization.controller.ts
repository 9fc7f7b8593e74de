import { Controller, Header, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply as Reply, FastifyRequest as Request } from 'fastify';
import { DpopBinding } from '../../tokens/binding/dpop/dpop.binding';
import { TokenBindingRegistry } from '../../tokens/binding/token-binding-registry';
import type { AuthenticatedClient } from '../../clients/clients.service';
import { ClientAuthGuard } from '../../clients/guards/client-auth.guard';
import { CurrentClient } from '../../clients/guards/current-client.decorator';
import { ErrorResponse } from '../../common/http/error-response.dto';
import { oauthParameters } from '../../common/http/request-body';
import { ApiClientLockoutResponse, RateLimit, RateLimitGuard } from '../../security/rate-limit.guard';
import { PushedAuthorizationService } from './pushed-authorization.service';

/** The one path of the pushed authorization request endpoint, as the metadata names it. */
export const PUSHED_AUTHORIZATION_REQUEST_PATH = 'oauth2/par';

export class PushedAuthorizationResponse {
  @ApiProperty({ example: 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c' }) request_uri: string;
  @ApiProperty({ example: 60, description: 'Seconds; the request_uri works once, within this time' }) expires_in: number;
}

@ApiTags('oauth2')
@Controller()
export class PushedAuthorizationController {
  constructor(
    private readonly pushed: PushedAuthorizationService,
    private readonly bindings: TokenBindingRegistry,
    private readonly dpop: DpopBinding,
  ) {}

  @Post(PUSHED_AUTHORIZATION_REQUEST_PATH)
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @RateLimit('authorize')
  @UseGuards(RateLimitGuard, ClientAuthGuard)
  @ApiOperation({
    summary: 'Pushed authorization request (RFC 9126)',
    description:
      'The parameters of the authorization endpoint, form-encoded, with client authentication as at the token endpoint (a public client sends its client_id). Then open the authorization endpoint with client_id and the returned request_uri only.',
  })
  @ApiBasicAuth('client')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiClientLockoutResponse()
  @ApiCreatedResponse({ type: PushedAuthorizationResponse, description: 'RFC 9126 §2.2' })
  @ApiHeader({
    name: 'DPoP',
    required: false,
    description: 'A DPoP proof (RFC 9449 §10.1): binds the authorization code to its key, as dpop_jkt does; a successful answer then carries a DPoP-Nonce',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description:
      'invalid_request, invalid_scope, unauthorized_client, unsupported_response_type … (RFC 9126 §2.3); invalid_dpop_proof, or use_dpop_nonce with a DPoP-Nonce header (RFC 9449 §8)',
  })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'invalid_client' })
  async push(
    @Req() req: Request,
    @Res({ passthrough: true }) reply: Reply,
    @CurrentClient() client: AuthenticatedClient,
  ): Promise<PushedAuthorizationResponse> {
    // RFC 9449 §10.1: a DPoP proof binds the pushed request to its key.
    const dpopJkt = await this.dpop.pushedRequestKey(this.bindings.request(req), client);
    const { requestUri, expiresIn } = await this.pushed.push(oauthParameters(req), client, dpopJkt);
    // RFC 9449 §8.2: the next proof (at the token endpoint) can carry a nonce without a retry.
    if (dpopJkt !== null) reply.header('DPoP-Nonce', this.dpop.currentNonce());
    return { request_uri: requestUri, expires_in: expiresIn };
  }
}
