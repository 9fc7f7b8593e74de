import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { HealthModule } from '../health/health.module';
import { ManagementServer } from './management.server';
import { ScrapeTimeMetrics } from './scrape-time.metrics';

@Module({ imports: [HealthModule, DatabaseModule], providers: [ManagementServer, ScrapeTimeMetrics] })
export class ManagementModule {}
