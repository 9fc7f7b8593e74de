import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { type MetadataContributor, MetadataContributorProvider } from '../common/metadata/metadata-contributor';

/** RFC 8414 §2 `registration_endpoint` (when registration is on), and Client ID Metadata Document support. */
@Injectable()
@MetadataContributorProvider()
export class RegistrationMetadata implements MetadataContributor {
  readonly fields = ['registration_endpoint', 'client_id_metadata_document_supported'];

  constructor(
    @InjectConfig('registration') private readonly registration: AppConfig['registration'],
    @InjectConfig('clientIdMetadataDocuments') private readonly clientIdMetadataDocuments: AppConfig['clientIdMetadataDocuments'],
  ) {}

  metadata(issuer: string): Record<string, unknown> {
    return {
      ...(this.registration.mode === 'off' ? {} : { registration_endpoint: `${issuer}/register` }),
      ...(this.clientIdMetadataDocuments.enabled ? { client_id_metadata_document_supported: true } : {}),
    };
  }
}
