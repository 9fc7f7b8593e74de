import { Injectable } from '@nestjs/common';
import { type MetadataContributor, MetadataContributorProvider } from '../../common/metadata/metadata-contributor';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';

/** OpenID Connect Discovery §3: the two classes a sign-in here reaches, a password alone and with a second factor. */
@Injectable()
@MetadataContributorProvider()
export class SignInFactorsMetadata implements MetadataContributor {
  readonly fields = ['acr_values_supported'];

  constructor(@InjectConfig('mfa') private readonly mfa: AppConfig['mfa']) {}

  metadata(): Record<string, string[]> {
    return { acr_values_supported: [this.mfa.passwordAcr, this.mfa.mfaAcr] };
  }
}
