import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { type MetadataContributor, MetadataContributorProvider } from '../common/metadata/metadata-contributor';
import { discoverUnique } from '../common/registry/discover-unique';

/** Finds every @MetadataContributorProvider at start (a field claimed twice stops the boot) and assembles the document. */
@Injectable()
export class MetadataRegistry implements OnModuleInit {
  private contributors: readonly MetadataContributor[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const byField = discoverUnique<MetadataContributor>(this.discovery, MetadataContributorProvider, 'metadata contributors', (c) => c.fields);
    // The server's own fields first, `issuer` leading, as a reader expects the document to start.
    const own = byField.get('issuer');
    this.contributors = [...new Set([...(own ? [own] : []), ...byField.values()])];
  }

  /** The metadata document: each contributor's declared fields, nothing else. */
  async document(issuer: string): Promise<Record<string, unknown>> {
    const document: Record<string, unknown> = {};
    for (const contributor of this.contributors) {
      const values = await contributor.metadata(issuer);
      for (const field of contributor.fields) if (values[field] !== undefined) document[field] = values[field];
    }
    return document;
  }
}
