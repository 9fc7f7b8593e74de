import { DiscoveryService } from '@nestjs/core';

/** Marks an injectable as a TokenBinding for the TokenBindingRegistry to discover. */
export const TokenBindingProvider = DiscoveryService.createDecorator<void>();
