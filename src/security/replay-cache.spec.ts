import { loadConfig } from '../config/app-config';
import type { DatabaseStatus } from '../database/unit-of-work/database-status';
import { ReplayCache } from './replay-cache';

/** A database nobody asked: the store under test is Redis. */
const noDatabase = {} as DatabaseStatus;

describe('ReplayCache', () => {
  it('refuses a namespace it could not keep apart from others', async () => {
    const cache = new ReplayCache(loadConfig({ REDIS_URL: 'redis://127.0.0.1:1' }).redis, 'test:', noDatabase);
    try {
      for (const namespace of ['', 'a\nb', 'x'.repeat(65)]) await expect(cache.claim(namespace, 'id', 1)).rejects.toThrow('namespace');
    } finally {
      await cache.onModuleDestroy();
    }
  });

  it('answers temporarily_unavailable when Redis does not answer, never a silent pass', async () => {
    const cache = new ReplayCache(loadConfig({ REDIS_URL: 'redis://127.0.0.1:1' }).redis, 'test:', noDatabase);
    try {
      await expect(cache.claim('test', 'id', Math.floor(Date.now() / 1000) + 60)).rejects.toMatchObject({ code: 'temporarily_unavailable' });
    } finally {
      await cache.onModuleDestroy();
    }
  });
});
