import type { CacheBus } from '../cache/cache-bus.service';
import { InvalidatingCache } from '../cache/invalidating-cache';
import { MetricsService } from '../metrics/metrics.service';
import { MemoryCounterStore } from './counter-store';
import { ThrottleService } from './throttle.service';

describe('ThrottleService: client lockout answered from memory', () => {
  let service: ThrottleService;
  let storeGet: jest.SpyInstance;
  let bus: CacheBus;

  beforeEach(() => {
    storeGet = jest.spyOn(MemoryCounterStore.prototype, 'get');
    // A bus that is always subscribed, delivering this instance's own invalidations.
    const caches: InvalidatingCache<unknown>[] = [];
    bus = {
      createCache: <T>(_topic: string, ttlMs: number, maxEntries: number) => {
        const cache = new InvalidatingCache<T>(ttlMs, maxEntries, () => true);
        caches.push(cache as InvalidatingCache<unknown>);
        return cache;
      },
      invalidate: async (_topic: string, key: string) => caches.forEach((cache) => cache.invalidate(key)),
    } as unknown as CacheBus;
    service = new ThrottleService(
      undefined,
      'test:',
      { token: 0, authorize: 0, login: 0 },
      { loginMaxFailures: 3, loginLockoutSeconds: 60, clientAuthMaxFailures: 2, clientAuthLockoutSeconds: 60 },
      { lockouts: 'closed', rateLimits: 'open' },
      new MetricsService(0, 'server'),
      bus,
    );
  });
  afterEach(() => storeGet.mockRestore());

  it('asks the store once for a client without failures, again after a failure, and locks', async () => {
    await service.assertClientNotLocked('app', '192.0.2.1');
    await service.assertClientNotLocked('app', '192.0.2.1');
    expect(storeGet).toHaveBeenCalledTimes(1);
    await service.clientAuthFailed('app', '192.0.2.1');
    await service.assertClientNotLocked('app', '192.0.2.1');
    await service.clientAuthFailed('app', '192.0.2.1');
    await expect(service.assertClientNotLocked('app', '192.0.2.1')).rejects.toMatchObject({ code: 'too_many_requests' });
    expect(storeGet).toHaveBeenCalledTimes(3);
  });

  it('answers nothing from memory after a store failure, until the store answers again', async () => {
    await service.assertClientNotLocked('app', '192.0.2.1');
    storeGet.mockRejectedValueOnce(new Error('connection lost'));
    await expect(service.assertClientNotLocked('other', '192.0.2.1')).rejects.toMatchObject({ code: 'temporarily_unavailable' });
    storeGet.mockRejectedValueOnce(new Error('connection lost'));
    // Kept as clean before the failure, but asked of the store (closed: 503) while it fails.
    await expect(service.assertClientNotLocked('app', '192.0.2.1')).rejects.toMatchObject({ code: 'temporarily_unavailable' });
    await service.assertClientNotLocked('app', '192.0.2.1');
    expect(storeGet).toHaveBeenCalledTimes(4);
    // The store answers again: what was kept before the failure was dropped, so it is asked once more, then kept.
    await service.assertClientNotLocked('app', '192.0.2.1');
    await service.assertClientNotLocked('app', '192.0.2.1');
    expect(storeGet).toHaveBeenCalledTimes(5);
  });

  it('tells the other instances of the first failure of a window only', async () => {
    const invalidate = jest.spyOn(bus, 'invalidate');
    for (let i = 0; i < 3; i++) await service.clientAuthFailed('app', '192.0.2.1').catch(() => undefined);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });
});
