import type { DiscoverableDecorator, DiscoveryService } from '@nestjs/core';

/**
 * The providers carrying `marker`, indexed by the keys each one claims. What every registry of
 * extension points needs at boot, failing it rather than logging: a request-scoped provider (there
 * is no request at start), a missing or empty key, or two providers claiming one key.
 */
export function discoverUnique<T extends object>(
  discovery: DiscoveryService,
  marker: DiscoverableDecorator<void>,
  /** Plural, for the messages: 'client authentication methods'. */
  what: string,
  keysOf: (instance: T) => unknown,
): ReadonlyMap<string, T> {
  const found = new Map<string, T>();
  for (const wrapper of discovery.getProviders({ metadataKey: marker.KEY })) {
    if (!wrapper.isDependencyTreeStatic()) throw new Error(`${String(wrapper.name)} must not be request-scoped (${what})`);
    const instance = wrapper.instance as T | undefined;
    const claimed = instance ? keysOf(instance) : undefined;
    const keys = Array.isArray(claimed) ? (claimed as unknown[]) : [claimed];
    if (!instance || keys.length === 0 || keys.some((key) => typeof key !== 'string' || key === '')) {
      throw new Error(`${String(wrapper.name)} names no key (${what})`);
    }
    for (const key of keys as string[]) {
      if (found.has(key)) throw new Error(`Two ${what} registered for ${key}`);
      found.set(key, instance);
    }
  }
  return found;
}
