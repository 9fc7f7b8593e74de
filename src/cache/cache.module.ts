import { Global, Module } from '@nestjs/common';
import { CacheBus } from './cache-bus.service';

@Global()
@Module({ providers: [CacheBus], exports: [CacheBus] })
export class CacheModule {}
