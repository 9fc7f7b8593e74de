import { Injectable } from '@nestjs/common';
import { type MetadataContributor, MetadataContributorProvider } from '../../common/metadata/metadata-contributor';
import { SettingsService } from '../../settings/settings.service';
import { PUSHED_AUTHORIZATION_REQUEST_PATH } from './pushed-authorization.controller';

/** RFC 9126 §5: where clients push their requests, and whether every client must. */
@Injectable()
@MetadataContributorProvider()
export class PushedAuthorizationMetadata implements MetadataContributor {
  readonly fields = ['pushed_authorization_request_endpoint', 'require_pushed_authorization_requests'];

  constructor(private readonly settings: SettingsService) {}

  async metadata(issuer: string): Promise<Record<string, unknown>> {
    return {
      pushed_authorization_request_endpoint: `${issuer}/${PUSHED_AUTHORIZATION_REQUEST_PATH}`,
      require_pushed_authorization_requests: (await this.settings.get()).requirePushedAuthorizationRequests,
    };
  }
}
