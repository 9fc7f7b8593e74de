import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { type MetadataContributor, MetadataContributorProvider } from '../common/metadata/metadata-contributor';
import { MetadataRegistry } from './metadata-registry';

@Injectable()
@MetadataContributorProvider()
class DeviceMetadata implements MetadataContributor {
  readonly fields = ['device_authorization_endpoint'];
  metadata(issuer: string) {
    return { device_authorization_endpoint: `${issuer}/device`, undeclared_field: true };
  }
}

@Injectable()
@MetadataContributorProvider()
class ServerMetadata implements MetadataContributor {
  readonly fields = ['issuer', 'token_endpoint'];
  async metadata(issuer: string) {
    return { issuer, token_endpoint: `${issuer}/token` };
  }
}

@Injectable()
@MetadataContributorProvider()
class SecondTokenEndpoint implements MetadataContributor {
  readonly fields = ['token_endpoint'];
  metadata() {
    return { token_endpoint: 'elsewhere' };
  }
}

async function registryWith(...providers: (new () => MetadataContributor)[]) {
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [MetadataRegistry, ...providers] }).compile();
  await moduleRef.init();
  return moduleRef.get(MetadataRegistry);
}

describe('MetadataRegistry (RFC 8414 §2)', () => {
  it('assembles the document from every contributor, issuer first, publishing only declared fields', async () => {
    const registry = await registryWith(DeviceMetadata, ServerMetadata);
    const document = await registry.document('https://as.example');
    expect(document).toEqual({
      issuer: 'https://as.example',
      token_endpoint: 'https://as.example/token',
      device_authorization_endpoint: 'https://as.example/device',
    });
    expect(Object.keys(document)[0]).toBe('issuer');
  });

  it('refuses to boot when two contributors declare one field', async () => {
    await expect(registryWith(ServerMetadata, SecondTokenEndpoint)).rejects.toThrow('Two metadata contributors registered for token_endpoint');
  });
});
