// Column buffers that travel from the parse worker to the appending thread and back. Each batch
// crosses as a dozen ArrayBuffers; allocating fresh ones (and freeing them on the other thread)
// made V8 run a full collection every ~50 MB of "external memory pressure" on both threads.
// Handing the buffers back after the append keeps that memory flat.
import type { BatchHandler } from './batch-queue.ts';
import type { RecordBatch } from '../../workspace/record-batch.ts';

/** Free buffers by byte length, up to `limit` bytes in all (beyond that they are left to the GC). */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private held = 0;

  constructor(private readonly limit = 32 << 20) {}

  /** A buffer of `bytes` bytes, with arbitrary contents when it is a recycled one. */
  take(bytes: number): ArrayBuffer {
    const list = this.free.get(bytes);
    const b = list?.pop();
    if (b === undefined) return new ArrayBuffer(bytes);
    this.held -= bytes;
    return b;
  }

  put(b: ArrayBuffer): void {
    // A detached buffer (length 0) or one that would exceed the limit is not kept.
    if (b.byteLength === 0 || this.held + b.byteLength > this.limit) return;
    let list = this.free.get(b.byteLength);
    if (list === undefined) {
      list = [];
      this.free.set(b.byteLength, list);
    }
    list.push(b);
    this.held += b.byteLength;
  }

  get heldBytes(): number {
    return this.held;
  }
}

/** The buffers a batch owns (every column's data, validity and string_t layout). */
export function batchBuffers(b: RecordBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const c of b.columns) {
    if (c.data !== null) out.push(c.data);
    out.push(c.validity);
    if (c.packed !== null) out.push(c.packed);
  }
  return out;
}

/** Buffers handed back per message (a message per batch would cost more than it saves). */
const RETURN_EVERY = 128;

/**
 * The appending side's half: `wrap` a batch handler so that each batch's buffers, once appended,
 * are collected and sent back (to whichever worker `send` picks) a few batches at a time.
 */
export class BufferReturn {
  private spent: ArrayBuffer[] = [];
  /** Buffers handed back so far (for tests and diagnostics). */
  static returned = 0;

  constructor(private readonly send: (buffers: ArrayBuffer[]) => void) {}

  wrap(onBatch: BatchHandler): BatchHandler {
    return (b) => {
      const r = onBatch(b);
      if (r === undefined) this.collect(b);
      else return r.then(() => this.collect(b));
    };
  }

  private collect(b: RecordBatch): void {
    for (const buf of batchBuffers(b)) this.spent.push(buf);
    if (this.spent.length < RETURN_EVERY) return;
    const buffers = this.spent;
    this.spent = [];
    BufferReturn.returned += buffers.length;
    this.send(buffers);
  }
}
