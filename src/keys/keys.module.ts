import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SettingsModule } from '../settings/settings.module';
import { JwksController } from './jwks.controller';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysService } from './signing-keys.service';
import { SigningKeysRepository, TypeOrmSigningKeysRepository } from './signing-keys.repository';

/** Asymmetric signing keys (ID Tokens) and their JWK Set; the admin API rotates them. */
@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity]), SettingsModule, DiscoveryModule],
  controllers: [JwksController],
  providers: [{ provide: SigningKeysRepository, useClass: TypeOrmSigningKeysRepository }, SigningKeysService],
  exports: [SigningKeysService],
})
export class KeysModule {}
