import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { SettingsModule } from '../settings/settings.module';
import { TokensModule } from '../tokens/tokens.module';
import { DiscoveryController } from './discovery.controller';
import { MetadataRegistry } from './metadata-registry';
import { ServerMetadataContributor } from './server-metadata.contributor';

@Module({
  imports: [DiscoveryModule, TokensModule, SettingsModule],
  controllers: [DiscoveryController],
  providers: [MetadataRegistry, ServerMetadataContributor],
})
export class DiscoveryMetadataModule {}
