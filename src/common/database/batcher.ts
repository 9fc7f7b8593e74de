import { traced } from '../observability/tracing';

/**
 * Natural batching for hot database statements: calls that arrive in the same turn of the event
 * loop, or while `maxInFlight` earlier batches are still running, are sent as one statement (one
 * round trip, one commit). At low load a batch holds one call and adds no delay; under load the
 * batches grow by themselves. With a linger, the first call of a batch also waits up to `lingerMs`
 * for others (a group commit: flushed at `maxBatch` calls or after `lingerMs`, whichever comes
 * first). Each caller gets its own result, or the batch's error.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** The linger timer of the waiting calls, and when the oldest of them came. */
  private timer?: NodeJS.Timeout;
  private oldest = 0;

  constructor(
    /** Runs one batch; returns one result per item, in order. */
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
    /** The name of each batch's trace span (observability/tracing.ts). */
    private readonly spanName = 'db.batch',
    /** How long the first call of a batch waits for others (0: only those of the same turn). */
    private readonly lingerMs = 0,
  ) {}

  /** Items submitted and not yet taken into a batch. */
  get waiting(): number {
    return this.queue.length;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.queue.length === 0) this.oldest = Date.now();
      this.queue.push({ item, resolve, reject });
      // A full batch goes at once, lingering or not.
      if (this.timer && this.queue.length >= this.maxBatch) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.scheduled = false;
        this.dispatch();
      } else this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.timer = undefined;
      this.dispatch();
    };
    // The calls that waited for a batch in flight have lingered already.
    const linger = this.queue.length >= this.maxBatch ? 0 : this.lingerMs - (Date.now() - this.oldest);
    if (linger > 0) this.timer = setTimeout(go, linger);
    // After the I/O callbacks of this turn: every request parsed in it joins the batch.
    else setImmediate(go);
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      // Inside then(): a run that throws synchronously rejects like one that fails later.
      Promise.resolve()
        .then(() => traced(this.spanName, () => this.run(batch.map((entry) => entry.item))))
        .then((results) => {
          if (results.length !== batch.length) throw new Error(`batch returned ${results.length} results for ${batch.length} items`);
          batch.forEach((entry, i) => entry.resolve(results[i]));
        })
        .catch((error: unknown) => {
          for (const entry of batch) entry.reject(error);
        })
        .finally(() => {
          this.inFlight--;
          this.schedule();
        });
    }
  }
}
