import { traced } from '../observability/tracing';

/**
 * Natural batching for hot database statements: calls that arrive in the same turn of the event
 * loop, or while `maxInFlight` earlier batches are still running, are sent as one statement (one
 * round trip, one commit). At low load a batch holds one call and adds no delay; under load the
 * batches grow by themselves. Each caller gets its own result, or the batch's error.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    /** Runs one batch; returns one result per item, in order. */
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
    /** The name of each batch's trace span (observability/tracing.ts). */
    private readonly spanName = 'db.batch',
  ) {}

  /** Items submitted and not yet taken into a batch. */
  get waiting(): number {
    return this.queue.length;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: every request parsed in it joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
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
