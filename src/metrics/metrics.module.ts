import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** Global, so any feature counts what it does without importing a module for it. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
