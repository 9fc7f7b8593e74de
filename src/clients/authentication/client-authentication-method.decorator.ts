import { DiscoveryService } from '@nestjs/core';

/** Marks an injectable as a ClientAuthenticationMethod for the ClientAuthenticationRegistry to discover. */
export const ClientAuthenticationMethodProvider = DiscoveryService.createDecorator<void>();
