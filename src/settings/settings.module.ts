import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SettingsEntity } from './settings.entity';
import { SettingsRepository, TypeOrmSettingsRepository } from './settings.repository';
import { SettingsService } from './settings.service';

@Module({
  imports: [TypeOrmModule.forFeature([SettingsEntity])],
  providers: [{ provide: SettingsRepository, useClass: TypeOrmSettingsRepository }, SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
