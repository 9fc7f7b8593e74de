import { Body, Param } from '@nestjs/common';
import { AdminController, AdminCreate, AdminDelete, AdminRead } from '../admin/admin-controller.decorator';
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

  @AdminCreate(
    'Create an initial access token for dynamic client registration (RFC 7591 §3); the token is returned this once',
    CreatedInitialAccessTokenResponse,
    { badRequest: false },
  )
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

  @AdminRead(undefined, 'List initial access tokens (never their values)', [InitialAccessTokenResponse])
  async list(): Promise<InitialAccessTokenResponse[]> {
    return (await this.tokens.list()).map(toInitialAccessTokenResponse);
  }

  @AdminDelete(':id', 'Revoke an initial access token; clients it registered stay')
  revoke(@Param('id') id: string): Promise<void> {
    return this.tokens.revoke(id);
  }
}
