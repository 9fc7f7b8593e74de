import { DiscoveryService } from '@nestjs/core';

/**
 * What a module whose rows set access-token lifetimes of their own (applications, resource
 * servers) tells the signing keys: the longest of them. A JWT access token may live that long, so
 * a retired signing key stays published that long. The module marks its provider with
 * @AccessTokenLifetimesProvider(); the keys module never reads another module's tables.
 */
export interface AccessTokenLifetimes {
  /** The longest access-token lifetime, in seconds, that a row sets (0 when none does). */
  longestAccessTokenTtl(): Promise<number>;
}

export const AccessTokenLifetimesProvider = DiscoveryService.createDecorator<void>();
