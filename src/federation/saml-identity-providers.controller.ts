import { Body, Param } from '@nestjs/common';
import { AdminController, AdminCreate, AdminRead, AdminUpdate } from '../admin/admin-controller.decorator';
import { CreateSamlIdentityProviderDto, SamlIdentityProviderResponse, UpdateSamlIdentityProviderDto } from './dto/saml-identity-provider.dto';
import { SamlProvidersService } from './saml-providers.service';

/**
 * SAML 2.0 identity providers (ADFS, Entra ID, Shibboleth). Listing, deleting and linking users
 * are the generic /admin/identity-providers endpoints, for every protocol.
 */
@AdminController('admin/saml-identity-providers', 'admin: identity providers')
export class SamlIdentityProvidersController {
  constructor(private readonly providers: SamlProvidersService) {}

  @AdminCreate('Add a SAML 2.0 identity provider from its metadata XML (or its entity ID, SSO URL and certificates)', SamlIdentityProviderResponse, {
    badRequest: 'Unusable metadata or missing IdP fields',
    conflict: 'Alias taken',
  })
  create(@Body() dto: CreateSamlIdentityProviderDto): Promise<SamlIdentityProviderResponse> {
    return this.providers.create(dto);
  }

  @AdminRead(':id', 'One SAML identity provider, with our SP entity ID and ACS URL to register there', SamlIdentityProviderResponse)
  get(@Param('id') id: string): Promise<SamlIdentityProviderResponse> {
    return this.providers.get(id);
  }

  @AdminUpdate(':id', 'Change a SAML identity provider (new metadata_xml replaces its entity ID, SSO URL and certificates)', SamlIdentityProviderResponse)
  update(@Param('id') id: string, @Body() dto: UpdateSamlIdentityProviderDto): Promise<SamlIdentityProviderResponse> {
    return this.providers.update(id, dto);
  }
}
