import { Controller, Get, Header, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { ApiUpstreamReturnResponses } from '../authorize/api-page-responses';
import { RateLimit, RateLimitGuard } from '../security/rate-limit.guard';
import { serviceProviderMetadata } from './saml-response';
import { SAML_ACS_PATH, SAML_METADATA_PATH } from './saml-settings';
import { SamlSignInService } from './saml-sign-in.service';

/** Our SAML 2.0 service provider: its metadata (for the IdPs) and its Assertion Consumer Service. */
@ApiTags('oauth2')
@Controller()
@UseGuards(RateLimitGuard)
export class SamlController {
  constructor(private readonly signIn: SamlSignInService) {}

  @Get(SAML_METADATA_PATH.slice(1))
  @Header('Content-Type', 'application/samlmetadata+xml')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiOperation({ summary: 'SAML 2.0 service provider metadata: import it at the identity provider (its URL is our entity ID)' })
  @ApiProduces('application/samlmetadata+xml')
  @ApiOkResponse({
    description: 'EntityDescriptor with an SPSSODescriptor (WantAssertionsSigned, the ACS with the HTTP-POST binding)',
    content: {
      'application/samlmetadata+xml': {
        example:
          '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://login.example.com/oauth2/upstream/saml/metadata">…</EntityDescriptor>',
      },
    },
  })
  metadata(): string {
    return serviceProviderMetadata({ sp: this.signIn.sp });
  }

  @Post(SAML_ACS_PATH.slice(1))
  @RateLimit('login')
  @ApiOperation({ summary: 'Assertion Consumer Service (HTTP-POST binding) for upstream SAML 2.0 identity providers' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['SAMLResponse', 'RelayState'],
      properties: { SAMLResponse: { type: 'string', description: 'base64 samlp:Response' }, RelayState: { type: 'string' } },
      example: { SAMLResponse: 'PHNhbWxwOlJlc3BvbnNlIC4uLg==', RelayState: 'kq3L0b8m2QvX1yZ5rT7nW9pA4sD6fG8hJ0kL2zX4cV6' },
    },
  })
  @ApiUpstreamReturnResponses('unknown, expired, replayed or foreign RelayState; an unsigned, expired, misaddressed, replayed or wrapped assertion')
  acs(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.signIn.finish(req, res);
  }
}
