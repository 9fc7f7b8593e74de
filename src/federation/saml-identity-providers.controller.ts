import { Body, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../admin/admin-controller.decorator';
import { ErrorResponse } from '../common/http/error-response.dto';
import { CreateSamlIdentityProviderDto, SamlIdentityProviderResponse, UpdateSamlIdentityProviderDto } from './dto/saml-identity-provider.dto';
import { SamlProvidersService } from './saml-providers.service';

/**
 * SAML 2.0 identity providers (ADFS, Entra ID, Shibboleth). Listing, deleting and linking users
 * are the generic /admin/identity-providers endpoints, for every protocol.
 */
@AdminController('admin/saml-identity-providers', 'admin: identity providers')
export class SamlIdentityProvidersController {
  constructor(private readonly providers: SamlProvidersService) {}

  @Post()
  @ApiOperation({ summary: 'Add a SAML 2.0 identity provider from its metadata XML (or its entity ID, SSO URL and certificates)' })
  @ApiCreatedResponse({ type: SamlIdentityProviderResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Unusable metadata or missing IdP fields' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Alias taken' })
  create(@Body() dto: CreateSamlIdentityProviderDto): Promise<SamlIdentityProviderResponse> {
    return this.providers.create(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One SAML identity provider, with our SP entity ID and ACS URL to register there' })
  @ApiOkResponse({ type: SamlIdentityProviderResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Param('id') id: string): Promise<SamlIdentityProviderResponse> {
    return this.providers.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a SAML identity provider (new metadata_xml replaces its entity ID, SSO URL and certificates)' })
  @ApiOkResponse({ type: SamlIdentityProviderResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  update(@Param('id') id: string, @Body() dto: UpdateSamlIdentityProviderDto): Promise<SamlIdentityProviderResponse> {
    return this.providers.update(id, dto);
  }
}
