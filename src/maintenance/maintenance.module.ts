import { Module } from '@nestjs/common';
import { ExpiredDataCleanupService } from './expired-data-cleanup.service';

@Module({ providers: [ExpiredDataCleanupService], exports: [ExpiredDataCleanupService] })
export class MaintenanceModule {}
