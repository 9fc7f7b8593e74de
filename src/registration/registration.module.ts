import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from '../admin/admin.module';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { SettingsModule } from '../settings/settings.module';
import { TokensModule } from '../tokens/tokens.module';
import { InitialAccessTokensController } from './initial-access-tokens.controller';
import { InitialAccessTokens } from './initial-access-tokens.service';
import { RegistrationController } from './registration.controller';
import { ClientIdMetadataDocuments } from './client-id-metadata-documents';
import { ClientRegistrationEntity } from './client-registration.entity';
import { ClientRegistrationRepository } from './client-registration.repository';
import { InitialAccessTokenEntity } from './initial-access-token.entity';
import { InitialAccessTokenRepository } from './initial-access-token.repository';
import { RegisteredClientLogos } from './registered-client-logos';
import { RegistrationMetadata } from './registration.metadata';
import { RegistrationService } from './registration.service';
import { SoftwareStatements } from './software-statement';

/**
 * RFC 7591 dynamic client registration and RFC 7592 management (/register), initial access tokens
 * (/admin/initial-access-tokens), and Client ID Metadata Documents (a client_id that is the URL of
 * its metadata). Such clients are applications written through the admin API's service.
 */
@Module({
  imports: [DatabaseModule, TokensModule, AdminModule, SettingsModule, TypeOrmModule.forFeature([InitialAccessTokenEntity, ClientRegistrationEntity])],
  controllers: [RegistrationController, InitialAccessTokensController],
  providers: [
    RegistrationService,
    InitialAccessTokens,
    InitialAccessTokenRepository,
    ClientRegistrationRepository,
    SoftwareStatements,
    RegistrationMetadata,
    ClientIdMetadataDocuments,
    RegisteredClientLogos,
  ],
})
export class RegistrationModule {}
