import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { DatabasePoolMetrics } from './database-pool.metrics';
import { ManagementServer } from './management.server';

@Module({ imports: [HealthModule], providers: [ManagementServer, DatabasePoolMetrics] })
export class ManagementModule {}
