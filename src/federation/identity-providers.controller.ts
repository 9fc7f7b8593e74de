import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { AdminController } from '../admin/admin-controller.decorator';
import { ErrorResponse } from '../common/http/error-response.dto';
import {
  CreateFederatedLinkDto,
  CreateIdentityProviderDto,
  FederatedLinkResponse,
  IdentityProviderResponse,
  UpdateIdentityProviderDto,
} from './dto/identity-provider.dto';
import { UpstreamProvidersService } from './upstream-providers.service';

@AdminController('admin/identity-providers', 'admin: identity providers')
export class IdentityProvidersController {
  constructor(private readonly providers: UpstreamProvidersService) {}

  @Post()
  @ApiOperation({ summary: 'Add an upstream OpenID Connect provider ("Sign in with …" on the login page)' })
  @ApiCreatedResponse({ type: IdentityProviderResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Alias taken' })
  create(@Body() dto: CreateIdentityProviderDto): Promise<IdentityProviderResponse> {
    return this.providers.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List upstream providers (never their secrets)' })
  @ApiOkResponse({ type: [IdentityProviderResponse] })
  list(): Promise<IdentityProviderResponse[]> {
    return this.providers.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One upstream provider' })
  @ApiOkResponse({ type: IdentityProviderResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Param('id') id: string): Promise<IdentityProviderResponse> {
    return this.providers.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an upstream provider' })
  @ApiOkResponse({ type: IdentityProviderResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  update(@Param('id') id: string, @Body() dto: UpdateIdentityProviderDto): Promise<IdentityProviderResponse> {
    return this.providers.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an upstream provider and the links of users to it' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  delete(@Param('id') id: string): Promise<void> {
    return this.providers.delete(id);
  }

  @Post(':id/links')
  @ApiOperation({ summary: 'Link an upstream account (its subject) to a local user' })
  @ApiCreatedResponse({ type: FederatedLinkResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The upstream account is linked already' })
  link(@Param('id') id: string, @Body() dto: CreateFederatedLinkDto): Promise<FederatedLinkResponse> {
    return this.providers.link(id, dto);
  }

  @Get(':id/links')
  @ApiOperation({ summary: 'The local users linked to accounts at this provider' })
  @ApiOkResponse({ type: [FederatedLinkResponse] })
  @ApiNotFoundResponse({ type: ErrorResponse })
  listLinks(@Param('id') id: string): Promise<FederatedLinkResponse[]> {
    return this.providers.listLinks(id);
  }

  @Delete(':id/links/:link_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a link' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  unlink(@Param('id') id: string, @Param('link_id') linkId: string): Promise<void> {
    return this.providers.unlink(id, linkId);
  }
}
