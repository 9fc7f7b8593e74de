import { Global, Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard';
import { ThrottleService } from './throttle.service';

@Global()
@Module({ providers: [ThrottleService, RateLimitGuard], exports: [ThrottleService, RateLimitGuard] })
export class SecurityModule {}
