import { Injectable } from '@nestjs/common';
import { type MetadataContributor, MetadataContributorProvider } from '../../common/metadata/metadata-contributor';
import { ClientAuthenticationRegistry } from './client-authentication-registry';

/** RFC 8414 §2: every registered method is accepted at the token, revocation and introspection endpoints alike. */
@Injectable()
@MetadataContributorProvider()
export class ClientAuthenticationMetadata implements MetadataContributor {
  readonly fields = [
    'token_endpoint_auth_methods_supported',
    'revocation_endpoint_auth_methods_supported',
    'introspection_endpoint_auth_methods_supported',
    'token_endpoint_auth_signing_alg_values_supported',
    'revocation_endpoint_auth_signing_alg_values_supported',
    'introspection_endpoint_auth_signing_alg_values_supported',
  ];

  constructor(private readonly registry: ClientAuthenticationRegistry) {}

  metadata(): Record<string, string[]> {
    const methods = this.registry.supportedMethods();
    const algorithms = this.registry.supportedSigningAlgorithms();
    return Object.fromEntries(this.fields.map((field) => [field, field.endsWith('_alg_values_supported') ? algorithms : methods]));
  }
}
