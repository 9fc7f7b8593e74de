import { Body, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../admin/admin-controller.decorator';
import { ErrorResponse } from '../common/http/error-response.dto';
import { InitialAccessTokens } from './initial-access-tokens.service';
import {
  CreatedInitialAccessTokenResponse,
  CreateInitialAccessTokenDto,
  InitialAccessTokenResponse,
  toInitialAccessTokenResponse,
} from './initial-access-token.dto';

@AdminController('admin/initial-access-tokens', 'admin: initial access tokens')
export class InitialAccessTokensController {
  constructor(private readonly tokens: InitialAccessTokens) {}

  @Post()
  @ApiOperation({ summary: 'Create an initial access token for dynamic client registration (RFC 7591 §3); the token is returned this once' })
  @ApiCreatedResponse({ type: CreatedInitialAccessTokenResponse })
  async create(@Body() dto: CreateInitialAccessTokenDto): Promise<CreatedInitialAccessTokenResponse> {
    const policy = dto.policy
      ? {
          grantTypes: dto.policy.grant_types,
          scopes: dto.policy.scopes,
          redirectUriPatterns: dto.policy.redirect_uri_patterns,
          tokenEndpointAuthMethods: dto.policy.token_endpoint_auth_methods,
        }
      : null;
    const { token, entity } = await this.tokens.create({
      description: dto.description ?? null,
      expiresIn: dto.expires_in ?? null,
      maxUses: dto.max_uses ?? null,
      policy,
    });
    return { ...toInitialAccessTokenResponse(entity), token };
  }

  @Get()
  @ApiOperation({ summary: 'List initial access tokens (never their values)' })
  @ApiOkResponse({ type: [InitialAccessTokenResponse] })
  async list(): Promise<InitialAccessTokenResponse[]> {
    return (await this.tokens.list()).map(toInitialAccessTokenResponse);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an initial access token; clients it registered stay' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  revoke(@Param('id') id: string): Promise<void> {
    return this.tokens.revoke(id);
  }
}
