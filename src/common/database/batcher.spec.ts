import { Batcher } from './batcher';

describe('Batcher', () => {
  it('sends calls made in the same turn as one batch and gives each caller its own result', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(
      async (items) => {
        batches.push(items);
        return items.map((n) => n * 10);
      },
      100,
      1,
    );
    const results = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('queues calls made while a batch is in flight into the next batch', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new Batcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items;
      },
      100,
      1,
    );
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batcher.submit(2), batcher.submit(3)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('splits at the maximum batch size and runs up to maxInFlight batches at once', async () => {
    let running = 0;
    let peak = 0;
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(
      async (items) => {
        sizes.push(items.length);
        peak = Math.max(peak, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return items;
      },
      2,
      2,
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(sizes).toEqual([2, 2, 1]);
    expect(peak).toBe(2);
  });

  it('rejects every caller of a failed batch and keeps serving later calls', async () => {
    let fail = true;
    const batcher = new Batcher<number, number>(
      async (items) => {
        if (fail) throw new Error('database down');
        return items;
      },
      100,
      1,
    );
    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.submit(3)).toBe(3);
  });

  it('rejects the callers when a batch returns the wrong number of results', async () => {
    const batcher = new Batcher<number, number>(async () => [1], 100, 1);
    const settled = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(settled.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('counts the items submitted and not yet taken into a batch (the audit queue metric)', async () => {
    const batcher = new Batcher<number, number>(async (items) => items, 100, 1);
    const results = Promise.all([batcher.submit(1), batcher.submit(2), batcher.submit(3)]);
    expect(batcher.waiting).toBe(3);
    await results;
    expect(batcher.waiting).toBe(0);
  });
});
