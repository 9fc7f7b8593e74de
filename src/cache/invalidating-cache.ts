/**
 * A small in-process cache whose entries every instance drops when any instance changes the
 * underlying row (the CacheBus carries the invalidations). A TTL bounds staleness should a message
 * ever be lost; when the bus is down the cache is bypassed entirely.
 */
/** What a lookup found (metrics): an entry, nothing, or a cache switched off while the bus is down. */
export type CacheLookup = 'hit' | 'miss' | 'bypass';

const always = (): boolean => true;

export class InvalidatingCache<T> {
  private readonly entries = new Map<string, { value: T | null; expiresAt: number }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly isEnabled: () => boolean,
    private readonly onLookup: (outcome: CacheLookup) => void = () => undefined,
  ) {}

  /** The entry of `key`, else what `load` gives, kept unless `keep` says otherwise (default: always). */
  async get(key: string, load: () => Promise<T | null>, keep: (value: T | null) => boolean = always): Promise<T | null> {
    if (!this.isEnabled()) {
      this.onLookup('bypass');
      return load();
    }
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) {
      this.onLookup('hit');
      return hit.value;
    }
    this.onLookup('miss');
    // Remember the generation: an invalidation that lands while loading must win.
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation && keep(value)) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    }
    return value;
  }

  invalidate(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
