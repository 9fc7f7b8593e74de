import { Injectable } from '@nestjs/common';
import { SCOPE_OPTIONS_METADATA } from '@nestjs/common/constants';
import { type DiscoverableDecorator, DiscoveryService } from '@nestjs/core';

/**
 * The marker of an extension point (`@GrantStrategyProvider()`): the registry discovers the classes
 * carrying it, and it makes them injectable too, so that the marker alone declares one. An
 * `@Injectable()` beside it, above or below (the older form), still works and keeps its options:
 * a request-scoped provider stays request-scoped, for the registry to refuse it at boot.
 */
export function createProviderMarker(): DiscoverableDecorator<void> {
  const discoverable = DiscoveryService.createDecorator<void>();
  const marker = (): ClassDecorator => (target) => {
    discoverable()(target);
    // The scope an @Injectable() applied before it declared (none: the default), as Nest's mixin() keeps it.
    Injectable(Reflect.getMetadata(SCOPE_OPTIONS_METADATA, target))(target);
  };
  return Object.assign(marker, { KEY: discoverable.KEY }) as DiscoverableDecorator<void>;
}
