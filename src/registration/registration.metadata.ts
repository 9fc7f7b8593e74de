import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { type MetadataContributor, MetadataContributorProvider } from '../common/metadata/metadata-contributor';

/** RFC 8414 §2 `registration_endpoint` (when registration is on), and Client ID Metadata Document support. */
@Injectable()
@MetadataContributorProvider()
export class RegistrationMetadata implements MetadataContributor {
  readonly fields = ['registration_endpoint', 'client_id_metadata_document_supported'];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  metadata(issuer: string): Record<string, unknown> {
    return {
      ...(this.config.registration.mode === 'off' ? {} : { registration_endpoint: `${issuer}/register` }),
      ...(this.config.clientIdMetadataDocuments.enabled ? { client_id_metadata_document_supported: true } : {}),
    };
  }
}
