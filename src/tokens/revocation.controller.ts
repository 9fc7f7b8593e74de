import { Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import type { FastifyReply as Response } from 'fastify';
import type { AuthenticatedClient } from '../clients/clients.service';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { CurrentClient } from '../clients/guards/current-client.decorator';
import { ApiClientLockoutResponse } from '../security/rate-limit.guard';
import { TokenRequestDto } from './dto/token-request.dto';
import { TokenLookupService } from './token-lookup.service';
import { TokenService } from './token.service';

@ApiTags('oauth2')
@Controller()
export class RevocationController {
  constructor(
    private readonly lookup: TokenLookupService,
    private readonly tokens: TokenService,
  ) {}

  @Post(['oauth2/revoke', 'revoke'])
  @HttpCode(200)
  @UseGuards(ClientAuthGuard)
  @ApiClientLockoutResponse()
  @ApiOperation({ summary: 'Token revocation (RFC 7009)' })
  @ApiBasicAuth('client')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOkResponse({ description: 'Revoked, or the token was unknown (RFC 7009 §2.2)' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'invalid_request: token missing' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'invalid_client' })
  async revoke(
    @Body() body: TokenRequestDto,
    @CurrentClient() client: AuthenticatedClient,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    res.header('Cache-Control', 'no-store');
    const found = await this.lookup.find(body.token, body.token_type_hint);
    // RFC 7009 §2.2: an unknown token, or one of another client, is answered 200 and left alone,
    // so the endpoint reveals nothing about tokens the caller does not own.
    if (!found || found.row.clientId !== client.id) return;
    if (found.kind === 'refresh_token') {
      // RFC 7009 §2.1: revoking a refresh token also invalidates the access tokens of its grant.
      await this.tokens.revokeGrant(found.row.grantId, 'revocation_endpoint');
    } else {
      await this.tokens.revokeAccessToken(found.row.id, 'revocation_endpoint');
    }
  }
}
