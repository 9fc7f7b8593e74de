import { Inject, Injectable } from '@nestjs/common';
import { type MetadataContributor, MetadataContributorProvider } from '../../common/metadata/metadata-contributor';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

/** OpenID Connect Discovery §3: the two classes a sign-in here reaches, a password alone and with a second factor. */
@Injectable()
@MetadataContributorProvider()
export class SignInFactorsMetadata implements MetadataContributor {
  readonly fields = ['acr_values_supported'];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  metadata(): Record<string, string[]> {
    return { acr_values_supported: [this.config.mfa.passwordAcr, this.config.mfa.mfaAcr] };
  }
}
