import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { TokensModule } from '../tokens/tokens.module';
import { DiscoveryController } from './discovery.controller';

@Module({ imports: [TokensModule, SettingsModule], controllers: [DiscoveryController] })
export class DiscoveryMetadataModule {}
