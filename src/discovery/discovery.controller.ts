import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { MetadataRegistry } from './metadata-registry';
import { withMtlsEndpointAliases } from './mtls-endpoint-aliases';

/**
 * RFC 8414 authorization server metadata and OpenID Connect Discovery 1.0: one document served at
 * both well-known paths, so the two can never disagree. Its fields come from the contributors
 * (MetadataRegistry), never from a list here.
 */
@ApiTags('discovery')
@Controller()
export class DiscoveryController {
  constructor(
    private readonly metadataRegistry: MetadataRegistry,
    @InjectConfig('issuer') private readonly issuer: AppConfig['issuer'],
    @InjectConfig('mtlsEndpointBaseUrl') private readonly mtlsEndpointBaseUrl: AppConfig['mtlsEndpointBaseUrl'],
  ) {}

  @Get('.well-known/oauth-authorization-server')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  @ApiOkResponse({ description: 'The metadata document' })
  metadata(): Promise<Record<string, unknown>> {
    return this.document();
  }

  @Get('.well-known/openid-configuration')
  @ApiOperation({ summary: 'OpenID Provider metadata (OpenID Connect Discovery 1.0), the same document as RFC 8414' })
  @ApiOkResponse({ description: 'The metadata document' })
  openidConfiguration(): Promise<Record<string, unknown>> {
    return this.document();
  }

  private async document(): Promise<Record<string, unknown>> {
    return withMtlsEndpointAliases(await this.metadataRegistry.document(this.issuer), this.issuer, this.mtlsEndpointBaseUrl);
  }
}
