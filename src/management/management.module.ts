import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { ManagementServer } from './management.server';
import { ScrapeTimeMetrics } from './scrape-time.metrics';

@Module({ imports: [HealthModule], providers: [ManagementServer, ScrapeTimeMetrics] })
export class ManagementModule {}
