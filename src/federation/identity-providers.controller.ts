import { Body, Param } from '@nestjs/common';
import { AdminController, AdminCreate, AdminDelete, AdminRead, AdminUpdate } from '../admin/admin-controller.decorator';
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

  @AdminCreate('Add an upstream OpenID Connect provider ("Sign in with …" on the login page)', IdentityProviderResponse, { conflict: 'Alias taken' })
  create(@Body() dto: CreateIdentityProviderDto): Promise<IdentityProviderResponse> {
    return this.providers.create(dto);
  }

  @AdminRead(undefined, 'List upstream providers (never their secrets)', [IdentityProviderResponse])
  list(): Promise<IdentityProviderResponse[]> {
    return this.providers.list();
  }

  @AdminRead(':id', 'One upstream provider', IdentityProviderResponse)
  get(@Param('id') id: string): Promise<IdentityProviderResponse> {
    return this.providers.get(id);
  }

  @AdminUpdate(':id', 'Change an upstream provider', IdentityProviderResponse)
  update(@Param('id') id: string, @Body() dto: UpdateIdentityProviderDto): Promise<IdentityProviderResponse> {
    return this.providers.update(id, dto);
  }

  @AdminDelete(':id', 'Remove an upstream provider and the links of users to it')
  delete(@Param('id') id: string): Promise<void> {
    return this.providers.delete(id);
  }

  @AdminCreate('Link an upstream account (its subject) to a local user', FederatedLinkResponse, {
    path: ':id/links',
    badRequest: false,
    conflict: 'The upstream account is linked already',
  })
  link(@Param('id') id: string, @Body() dto: CreateFederatedLinkDto): Promise<FederatedLinkResponse> {
    return this.providers.link(id, dto);
  }

  @AdminRead(':id/links', 'The local users linked to accounts at this provider', [FederatedLinkResponse])
  listLinks(@Param('id') id: string): Promise<FederatedLinkResponse[]> {
    return this.providers.listLinks(id);
  }

  @AdminDelete(':id/links/:link_id', 'Remove a link')
  unlink(@Param('id') id: string, @Param('link_id') linkId: string): Promise<void> {
    return this.providers.unlink(id, linkId);
  }
}
