import { Body, Controller, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error-response.dto';
import type { FastifyReply as Response } from 'fastify';
import { AuthenticatedClient, ClientsService } from '../clients/clients.service';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { CurrentClient } from '../clients/guards/current-client.decorator';
import { ApiClientLockoutResponse } from '../security/rate-limit.guard';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { TokenRequestDto } from './dto/token-request.dto';
import { TokenLookupService } from './token-lookup.service';

export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      token_type?: 'Bearer';
      exp: number;
      iat: number;
      iss: string;
      sub?: string;
      username?: string;
      /** RFC 8707: the resource server the token is for. */
      aud?: string;
      jti?: string;
    };

@ApiTags('oauth2')
@Controller()
export class IntrospectionController {
  constructor(
    private readonly lookup: TokenLookupService,
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(['oauth2/introspect', 'introspect'])
  @HttpCode(200)
  @UseGuards(ClientAuthGuard)
  @ApiClientLockoutResponse()
  @ApiOperation({ summary: 'Token introspection (RFC 7662)' })
  @ApiBasicAuth('client')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOkResponse({
    schema: {
      example: { active: true, scope: 'read write', client_id: 's6BhdRkqt3', token_type: 'Bearer', exp: 1764003600, iat: 1764000000, sub: 'b6f1…', username: 'alice' },
    },
  })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'invalid_request: token missing' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'invalid_client' })
  async introspect(
    @Body() body: TokenRequestDto,
    @CurrentClient() client: AuthenticatedClient,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IntrospectionResponse> {
    res.header('Cache-Control', 'no-store');
    const found = await this.lookup.find(body.token, body.token_type_hint);
    if (!found || !TokenLookupService.isActive(found)) return { active: false };
    const { row } = found;
    // Confidential clients act as resource servers and may introspect any token; a public client
    // only its own (RFC 7662 §4: do not reveal tokens to whoever asks).
    if (client.isPublic && row.clientId !== client.id) return { active: false };
    if (!(await this.clients.findEnabled(row.clientId))) return { active: false };
    const user = row.userId === null ? null : await this.users.findEnabled(row.userId);
    if (row.userId !== null && !user) return { active: false };
    return {
      active: true,
      scope: row.scope,
      client_id: row.clientId,
      ...(found.kind === 'access_token' ? { token_type: 'Bearer' as const } : {}),
      exp: row.expiresAt,
      iat: row.createdAt,
      iss: this.config.issuer,
      ...(row.resource ? { aud: row.resource } : {}),
      ...(found.kind === 'access_token' ? { jti: row.id } : {}),
      ...(user ? { sub: user.id, username: user.username } : {}),
    };
  }
}
