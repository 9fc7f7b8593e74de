import { Injectable } from '@nestjs/common';
import { FAPI2_SECURITY } from '../../clients/fapi-profile';
import { type AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { type MetadataContributor, MetadataContributorProvider } from '../../common/metadata/metadata-contributor';
import { SettingsService } from '../../settings/settings.service';
import { PUSHED_AUTHORIZATION_REQUEST_PATH } from './pushed-authorization.controller';

/** RFC 9126 §5: where clients push their requests, and whether every client must. */
@Injectable()
@MetadataContributorProvider()
export class PushedAuthorizationMetadata implements MetadataContributor {
  readonly fields = ['pushed_authorization_request_endpoint', 'require_pushed_authorization_requests'];

  constructor(
    private readonly settings: SettingsService,
    @InjectConfig('fapiProfile') private readonly fapiProfile: AppConfig['fapiProfile'],
  ) {}

  async metadata(issuer: string): Promise<Record<string, unknown>> {
    return {
      pushed_authorization_request_endpoint: `${issuer}/${PUSHED_AUTHORIZATION_REQUEST_PATH}`,
      // The FAPI 2.0 profile as the server default requires PAR of every client (§5.3.2.2).
      require_pushed_authorization_requests: (await this.settings.get()).requirePushedAuthorizationRequests || this.fapiProfile === FAPI2_SECURITY,
    };
  }
}
