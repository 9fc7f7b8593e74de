import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { ExpiredDataCleanupService } from './expired-data-cleanup.service';
import { ExpiredRowsRepository, TypeOrmExpiredRowsRepository } from './expired-rows.repository';

@Module({
  imports: [DiscoveryModule, DatabaseModule],
  providers: [{ provide: ExpiredRowsRepository, useClass: TypeOrmExpiredRowsRepository }, ExpiredDataCleanupService],
  exports: [ExpiredDataCleanupService],
})
export class MaintenanceModule {}
