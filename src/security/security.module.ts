import { Global, Module } from '@nestjs/common';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { RateLimitGuard } from './rate-limit.guard';
import { ReplayCache, ReplayCacheTable } from './replay-cache';
import { ThrottleService } from './throttle.service';

@Global()
@Module({
  imports: [DatabaseModule],
  providers: [ThrottleService, RateLimitGuard, ReplayCache, ReplayCacheTable],
  exports: [ThrottleService, RateLimitGuard, ReplayCache],
})
export class SecurityModule {}
