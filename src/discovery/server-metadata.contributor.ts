import { Injectable } from '@nestjs/common';
import { type MetadataContributor, MetadataContributorProvider } from '../common/metadata/metadata-contributor';
import { SIGNING_ALGORITHMS } from '../keys/signing-key.entity';
import { CLAIMS_BY_SCOPE, supportedUserClaims } from '../oidc/standard-claims';
import { SettingsService } from '../settings/settings.service';
import { GrantRegistry } from '../tokens/grants/grant-registry';
import { REQUEST_OBJECT_SIGNING_ALGS } from '../authorize/request-object.verifier';

/** The endpoints and capabilities of the server itself; other modules contribute their own fields. */
@Injectable()
@MetadataContributorProvider()
export class ServerMetadataContributor implements MetadataContributor {
  readonly fields = [
    'issuer',
    'authorization_endpoint',
    'token_endpoint',
    'revocation_endpoint',
    'introspection_endpoint',
    'userinfo_endpoint',
    'jwks_uri',
    'end_session_endpoint',
    'response_types_supported',
    'response_modes_supported',
    'grant_types_supported',
    'subject_types_supported',
    'id_token_signing_alg_values_supported',
    'scopes_supported',
    'claims_supported',
    'claim_types_supported',
    'code_challenge_methods_supported',
    'authorization_response_iss_parameter_supported',
    'claims_parameter_supported',
    'request_parameter_supported',
    'request_uri_parameter_supported',
    'request_object_signing_alg_values_supported',
    'service_documentation',
  ];

  constructor(
    private readonly grants: GrantRegistry,
    private readonly settings: SettingsService,
  ) {}

  async metadata(issuer: string): Promise<Record<string, unknown>> {
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
      code_challenge_methods_supported: pkcePlainAllowed ? ['S256', 'plain'] : ['S256'],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: true,
      // RFC 9101: signed request objects; a request_uri only as the pushed authorization request endpoint returns it (RFC 9126 §5).
      request_parameter_supported: true,
      request_uri_parameter_supported: false,
      request_object_signing_alg_values_supported: [...REQUEST_OBJECT_SIGNING_ALGS],
      service_documentation: `${issuer}/docs`,
    };
  }
}
