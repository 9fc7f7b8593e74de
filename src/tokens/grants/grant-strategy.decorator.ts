import { DiscoveryService } from '@nestjs/core';

/** Marks an injectable as a GrantStrategy for the GrantRegistry to discover. */
export const GrantStrategyProvider = DiscoveryService.createDecorator<void>();
