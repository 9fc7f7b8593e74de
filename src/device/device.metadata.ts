import { Injectable } from '@nestjs/common';
import { MetadataContributorProvider, type MetadataContributor } from '../tokens/grants/public-api';
import { DEVICE_AUTHORIZATION_PATH } from './device-authorization.service';

/** RFC 8628 §4: the device authorization endpoint in the metadata (the grant type is listed by the registry). */
@Injectable()
@MetadataContributorProvider()
export class DeviceAuthorizationMetadata implements MetadataContributor {
  readonly fields = ['device_authorization_endpoint'];

  metadata(issuer: string): Record<string, string> {
    return { device_authorization_endpoint: `${issuer}/${DEVICE_AUTHORIZATION_PATH}` };
  }
}
