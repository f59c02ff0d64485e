// The DuckDB side of a parse pipeline: record batches are appended one at a time, strictly in
// the order they were queued, while more arrive.
import type { RecordBatch } from '../../workspace/record-batch.ts';

export type BatchHandler = (b: RecordBatch) => void | Promise<void>;

/** Runs batches through the handler one at a time, in arrival order. */
export class BatchQueue {
  private readonly items: RecordBatch[] = [];
  // `run` may finish synchronously (every batch appended without awaiting), before `running`
  // is even assigned: `active` is the truth, `running` only something to await.
  private active = false;
  private running: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  /** `progress` is called after each batch: a producer blocked on a long queue must hear of it. */
  constructor(
    private readonly handle: BatchHandler,
    private readonly progress: () => void = () => {},
  ) {}

  /** No more batches: the queue is dropped and later ones are ignored (cancel or failure). */
  private stopped = false;

  add(b: RecordBatch): void {
    if (this.stopped) return;
    this.items.push(b);
    if (!this.active) {
      this.active = true;
      this.running = this.run();
    }
  }

  get length(): number {
    return this.items.length;
  }

  private async run(): Promise<void> {
    try {
      while (this.items.length > 0) {
        const b = this.items.shift() as RecordBatch;
        const r = this.handle(b);
        if (r !== undefined) await r;
        this.progress();
      }
    } catch (e) {
      this.failure = e;
      this.items.length = 0;
    } finally {
      this.active = false;
      this.progress();
    }
  }

  /** Wait until everything queued so far has been handled (rethrows a handler failure). */
  async drain(): Promise<void> {
    while (this.active) await this.running;
    if (this.failure !== null) throw this.failure;
  }

  check(): void {
    if (this.failure !== null) throw this.failure;
  }

  /**
   * Drops what is queued and appends nothing more; resolves once the batch being appended, if
   * any, is done, so that the caller may roll back without an append racing it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.items.length = 0;
    while (this.active) {
      try {
        await this.running;
      } catch {
        // a failing append is moot now
      }
    }
  }
}
