import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ExpiredDataCleanupService } from './expired-data-cleanup.service';

@Module({ imports: [DiscoveryModule], providers: [ExpiredDataCleanupService], exports: [ExpiredDataCleanupService] })
export class MaintenanceModule {}
