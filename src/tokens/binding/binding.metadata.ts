import { Injectable } from '@nestjs/common';
import { type MetadataContributor, MetadataContributorProvider } from '../../common/metadata/metadata-contributor';
import { DPOP_SIGNING_ALGS } from './dpop/dpop-proof';

/** RFC 9449 §5.1 and RFC 8705 §3.3: what the server offers for sender-constrained tokens. */
@Injectable()
@MetadataContributorProvider()
export class TokenBindingMetadata implements MetadataContributor {
  readonly fields = ['dpop_signing_alg_values_supported', 'tls_client_certificate_bound_access_tokens'];

  metadata(): Record<string, unknown> {
    return { dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS], tls_client_certificate_bound_access_tokens: true };
  }
}
