import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { assertFapiTokenRequest, fapiApplies } from '../clients/fapi-profile';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiHeader,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import { RateLimit, RateLimitGuard } from '../security/rate-limit.guard';
import type { FastifyRequest as Request } from 'fastify';
import type { AuthenticatedClient } from '../clients/clients.service';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { CurrentClient } from '../clients/guards/current-client.decorator';
import { oauthParameters } from '../common/http/request-body';
import { GrantRegistry } from './grants/grant-registry';
import { TokenBindingRegistry } from './binding/token-binding-registry';
import { TokenSuccessResponse } from './dto/token-endpoint.dto';
import type { TokenResponse } from './token-response';

/** Our path, WSO2's, Spring's and webMethods' (which sends a JSON body). */
export const TOKEN_PATHS = ['oauth2/token', 'token', 'oauth/token', 'invoke/pub.apigateway.oauth2/getAccessToken'];

@ApiTags('oauth2')
@Controller()
export class TokenController {
  constructor(
    private readonly grants: GrantRegistry,
    private readonly bindings: TokenBindingRegistry,
    @InjectConfig('fapiProfile') private readonly fapiProfile: AppConfig['fapiProfile'],
  ) {}

  @Post(TOKEN_PATHS)
  @HttpCode(200)
  @RateLimit('token')
  @UseGuards(RateLimitGuard, ClientAuthGuard)
  @ApiOperation({ summary: 'Token endpoint (RFC 6749 §3.2): form or JSON body' })
  @ApiBasicAuth('client')
  @ApiHeader({ name: 'DPoP', required: false, description: 'A DPoP proof (RFC 9449 §4): the tokens are bound to its key (token_type DPoP)' })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    // Built at boot from the registered grants (app.setup.ts, openapi/token-request-schema.ts).
    schema: { $ref: '#/components/schemas/TokenRequestBody' },
    examples: {
      'webMethods authorization_code (seed 000, JSON)': {
        value: { redirect_uri: 'http://test.com', scope: 'email', grant_type: 'authorization_code', code: '4b4b16c68f1c4b6fa7f26e0cb00b5daa' },
      },
      'webMethods with PKCE (seed 001, JSON)': {
        value: {
          redirect_uri: 'http://test.com',
          scope: 'email',
          grant_type: 'authorization_code',
          code: '0025abe9f96d4901b61340344c29a576',
          code_verifier: 'a4793f15479a4c5697f93b44d055ab6cbd16be50400a4591892f914b1a256da8',
          client_id: '374b1fae-4405-411b-85a0-6e1ab90923ba',
        },
      },
      'Spring password grant (seed 003, form)': {
        value: { username: 'admin@break-out.org', password: 'password', grant_type: 'password', scope: 'read write' },
      },
      'WSO2 refresh with scope=PRODUCTION (seed 004, form)': {
        value: { grant_type: 'refresh_token', refresh_token: 'f78dd4fc5b8d4d799cf066427e828e26ce7e3723e4334416a7b9cd8a274e6947', scope: 'PRODUCTION' },
      },
    },
  })
  @ApiOkResponse({
    type: TokenSuccessResponse,
    description: 'RFC 6749 §5.1; Cache-Control: no-store',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description:
      'invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type or invalid_scope (RFC 6749 §5.2); invalid_dpop_proof, or use_dpop_nonce with a DPoP-Nonce header (RFC 9449 §5, §8)',
  })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'invalid_client, with WWW-Authenticate: Basic' })
  async token(@Req() req: Request, @CurrentClient() client: AuthenticatedClient): Promise<TokenResponse> {
    // RFC 6749 §5.1's Cache-Control: no-store and Pragma: no-cache: RESPONSE_HEADERS, on every answer.
    const parameters = oauthParameters(req);
    // RFC 9449 §5, RFC 8705 §3: a DPoP proof or client certificate binds the tokens issued.
    const cnf = await this.bindings.confirm(req, client);
    if (fapiApplies(client, this.fapiProfile)) assertFapiTokenRequest(parameters.grant_type, cnf !== null);
    return this.grants.dispatch(parameters, client, cnf);
  }
}
