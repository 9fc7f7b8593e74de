import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({ imports: [DatabaseModule], controllers: [HealthController], providers: [HealthService], exports: [HealthService] })
export class HealthModule {}
