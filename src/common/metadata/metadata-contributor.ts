import { DiscoveryService } from '@nestjs/core';

/**
 * Some fields of the authorization server metadata (RFC 8414 §2, OpenID Connect Discovery 1.0
 * §3), written by the module that knows them: a grant its endpoint, client authentication its
 * methods. Mark the class with @MetadataContributorProvider(); two contributors declaring one
 * field stop the boot.
 */
export interface MetadataContributor {
  /** The fields it writes. What metadata() returns beyond them is not published. */
  readonly fields: readonly string[];
  /** Their values, computed for each request of the document (settings may change at run time). */
  metadata(issuer: string): Readonly<Record<string, unknown>> | Promise<Readonly<Record<string, unknown>>>;
}

/** Marks an injectable as a MetadataContributor for the discovery document. */
export const MetadataContributorProvider = DiscoveryService.createDecorator<void>();
