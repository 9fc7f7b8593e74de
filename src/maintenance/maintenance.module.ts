import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EXPIRING_ENTITIES, ExpiredDataCleanupService } from './expired-data-cleanup.service';

@Module({ imports: [TypeOrmModule.forFeature(EXPIRING_ENTITIES)], providers: [ExpiredDataCleanupService], exports: [ExpiredDataCleanupService] })
export class MaintenanceModule {}
