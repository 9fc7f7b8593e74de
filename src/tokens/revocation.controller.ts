import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import type { AuthenticatedClient } from '../clients/clients.service';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { CurrentClient } from '../clients/guards/current-client.decorator';
import { ApiClientLockoutResponse } from '../security/rate-limit.guard';
import { TokenRequestDto } from './dto/token-request.dto';
import { RevocationService } from './revocation.service';

@ApiTags('oauth2')
@Controller()
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

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
  revoke(@Body() body: TokenRequestDto, @CurrentClient() client: AuthenticatedClient): Promise<void> {
    return this.revocation.revoke(client, body.token, body.token_type_hint);
  }
}
