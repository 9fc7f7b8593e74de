import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthenticatedClient } from '../clients/clients.service';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { CurrentClient } from '../clients/guards/current-client.decorator';
import { requestBody } from '../common/http/request-body';
import { GrantRegistry } from './grants/grant-registry';
import type { TokenResponse } from './token-response';

/** Our path, WSO2's, Spring's and webMethods' (which sends a JSON body). */
export const TOKEN_PATHS = ['oauth2/token', 'token', 'oauth/token', 'invoke/pub.apigateway.oauth2/getAccessToken'];

@ApiTags('oauth2')
@Controller()
export class TokenController {
  constructor(private readonly grants: GrantRegistry) {}

  @Post(TOKEN_PATHS)
  @HttpCode(200)
  @UseGuards(ClientAuthGuard)
  @ApiOperation({ summary: 'Token endpoint (RFC 6749 §3.2): form or JSON body' })
  @ApiBasicAuth('client')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', example: 'authorization_code' },
        code: { type: 'string' },
        redirect_uri: { type: 'string' },
        code_verifier: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        refresh_token: { type: 'string' },
        scope: { type: 'string' },
        client_id: { type: 'string' },
        client_secret: { type: 'string' },
      },
    },
  })
  @ApiOkResponse({
    schema: {
      example: {
        access_token: 'c92b6227a19c46f1a6545bf370bb6ee6e30ff87957ef4b1aaa9577f7e86e4bd7',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'f78dd4fc5b8d4d799cf066427e828e26ce7e3723e4334416a7b9cd8a274e6947',
        scope: 'email',
      },
    },
  })
  token(
    @Req() req: Request,
    @CurrentClient() client: AuthenticatedClient,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenResponse> {
    // RFC 6749 §5.1: token responses must not be cached.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    return this.grants.dispatch(requestBody(req), client);
  }
}
