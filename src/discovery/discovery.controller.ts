import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SIGNING_ALGORITHMS } from '../keys/signing-key.entity';
import { CLAIMS_BY_SCOPE, PASSWORD_ACR, supportedUserClaims } from '../oidc/standard-claims';
import { SettingsService } from '../settings/settings.service';
import { GrantRegistry } from '../tokens/grants/grant-registry';

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];

/**
 * RFC 8414 authorization server metadata and OpenID Connect Discovery 1.0: one document served at
 * both well-known paths, so the two can never disagree. Grant types come from the registry.
 */
@ApiTags('discovery')
@Controller()
export class DiscoveryController {
  constructor(
    private readonly grants: GrantRegistry,
    private readonly settings: SettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    const issuer = this.config.issuer;
    // RFC 8414 §2: the methods the server accepts. plain is refused unless the global setting
    // allows it (an application may allow it for itself, which metadata cannot say per client).
    const { pkcePlainAllowed } = await this.settings.get();
    return {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      jwks_uri: `${issuer}/oauth2/jwks`,
      end_session_endpoint: `${issuer}/oauth2/logout`,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      grant_types_supported: this.grants.supportedGrantTypes(),
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
      scopes_supported: Object.keys(CLAIMS_BY_SCOPE),
      claims_supported: [...new Set(['iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'at_hash', 'amr', 'acr', ...supportedUserClaims()])],
      claim_types_supported: ['normal'],
      // OpenID Connect Core §2: every sign-in is a password; "0" never claims more than that.
      acr_values_supported: [PASSWORD_ACR],
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      code_challenge_methods_supported: pkcePlainAllowed ? ['S256', 'plain'] : ['S256'],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: true,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      service_documentation: `${issuer}/docs`,
    };
  }
}
