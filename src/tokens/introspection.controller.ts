import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import type { AuthenticatedClient } from '../clients/clients.service';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { CurrentClient } from '../clients/guards/current-client.decorator';
import { ApiClientLockoutResponse } from '../security/rate-limit.guard';
import { TokenRequestDto } from './dto/token-request.dto';
import { type IntrospectionResponse, IntrospectionService } from './introspection.service';

@ApiTags('oauth2')
@Controller()
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @Post(['oauth2/introspect', 'introspect'])
  @HttpCode(200)
  @UseGuards(ClientAuthGuard)
  @ApiClientLockoutResponse()
  @ApiOperation({ summary: 'Token introspection (RFC 7662)' })
  @ApiBasicAuth('client')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOkResponse({
    schema: {
      example: {
        active: true,
        scope: 'read write',
        client_id: 's6BhdRkqt3',
        token_type: 'Bearer',
        exp: 1764003600,
        iat: 1764000000,
        sub: 'b6f1…',
        username: 'alice',
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'invalid_request: token missing' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'invalid_client' })
  introspect(@Body() body: TokenRequestDto, @CurrentClient() client: AuthenticatedClient): Promise<IntrospectionResponse> {
    return this.introspection.introspect(client, body.token, body.token_type_hint);
  }
}
