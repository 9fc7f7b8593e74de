import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { ExpiredDataCleanupService } from './expired-data-cleanup.service';

@Module({ imports: [DiscoveryModule, DatabaseModule], providers: [ExpiredDataCleanupService], exports: [ExpiredDataCleanupService] })
export class MaintenanceModule {}
