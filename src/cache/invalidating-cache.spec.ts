import { InvalidatingCache } from './invalidating-cache';

describe('InvalidatingCache', () => {
  it('loads once, then serves from memory until invalidated', async () => {
    const cache = new InvalidatingCache<string>(60_000, 10, () => true);
    const load = jest.fn(async () => 'v1');
    expect(await cache.get('k', load)).toBe('v1');
    expect(await cache.get('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(1);
    cache.invalidate('k');
    expect(await cache.get('k', async () => 'v2')).toBe('v2');
  });

  it('keeps only what `keep` accepts', async () => {
    const cache = new InvalidatingCache<string>(60_000, 10, () => true);
    const load = jest.fn(async () => 'passing');
    const keep = (value: string | null) => value !== 'passing';
    expect(await cache.get('k', load, keep)).toBe('passing');
    expect(await cache.get('k', load, keep)).toBe('passing');
    expect(load).toHaveBeenCalledTimes(2);
    expect(await cache.get('k', async () => 'lasting', keep)).toBe('lasting');
    expect(await cache.get('k', load, keep)).toBe('lasting');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('goes to the loader every time while disabled (no invalidation channel)', async () => {
    const cache = new InvalidatingCache<string>(60_000, 10, () => false);
    const load = jest.fn(async () => 'v');
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not keep a value loaded while an invalidation arrived', async () => {
    const cache = new InvalidatingCache<string>(60_000, 10, () => true);
    let release: (value: string) => void = () => undefined;
    const slow = cache.get('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.invalidate('k');
    release('stale');
    expect(await slow).toBe('stale');
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
  });

  it('expires entries after the TTL and stays within its size', async () => {
    const cache = new InvalidatingCache<number>(1, 2, () => true);
    await cache.get('a', async () => 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await cache.get('a', async () => 2)).toBe(2);
    const sized = new InvalidatingCache<number>(60_000, 2, () => true);
    for (const key of ['a', 'b', 'c']) await sized.get(key, async () => 1);
    const load = jest.fn(async () => 9);
    await sized.get('a', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reports each lookup as a hit, a miss or a bypass (metrics)', async () => {
    const outcomes: string[] = [];
    let enabled = true;
    const cache = new InvalidatingCache<string>(
      60_000,
      10,
      () => enabled,
      (outcome) => outcomes.push(outcome),
    );
    await cache.get('k', async () => 'v');
    await cache.get('k', async () => 'v');
    enabled = false;
    await cache.get('k', async () => 'v');
    expect(outcomes).toEqual(['miss', 'hit', 'bypass']);
  });
});
