// Drives the decoding of one trace: in a worker thread when one can be started (parsing on one
// core, DuckDB appends on the other), else in this thread. Either way, batches reach `onBatch`
// strictly in order, and at most a few chunks are in flight, so memory stays bounded.
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Catalogue } from '../catalogue/types.ts';
import { ParseCore } from './parse-core.ts';
import { workerIsLighter, type CountsWire, type DecodeDone, type FromWorker, type ToWorker, type WorkerInit } from './parse-protocol.ts';
import type { Plan } from './decoders.ts';
import type { RecordBatch } from './record-batcher.ts';

export interface ParsePipeline {
  /** Feed bytes; resolves when more may be fed. */
  push(chunk: Uint8Array): Promise<void>;
  /** No more bytes: resolves once every batch has been handed to `onBatch`. */
  end(): Promise<DecodeDone>;
  /** Totals as of the last acknowledged chunk. */
  counts(): CountsWire;
  /** Stop now (cancel or failure). */
  close(): void;
}

type BatchHandler = (b: RecordBatch) => void | Promise<void>;

const ZERO: CountsWire = { events: 0, unparsed: 0, droppedRecords: 0, droppedEvents: '0', firstTs: null, lastTs: null };

/** Runs batches through the handler one at a time, in arrival order. */
class BatchQueue {
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

  add(b: RecordBatch): void {
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
}

class InThreadPipeline implements ParsePipeline {
  private readonly core: ParseCore;
  private readonly queue: BatchQueue;
  private last: CountsWire = ZERO;

  constructor(init: WorkerInit, catalogue: Catalogue, onBatch: BatchHandler) {
    this.queue = new BatchQueue(onBatch);
    this.core = new ParseCore(init.plan, init.file, catalogue, (b) => this.queue.add(b));
  }

  async push(chunk: Uint8Array): Promise<void> {
    this.last = this.core.push(chunk);
    await this.queue.drain();
  }

  async end(): Promise<DecodeDone> {
    const done = this.core.end();
    await this.queue.drain();
    this.last = done.counts;
    return done;
  }

  counts(): CountsWire {
    return this.last;
  }

  close(): void {}
}

/** Chunks sent to the worker but not yet decoded. */
const MAX_IN_FLIGHT = 8;
/** Batches decoded but not yet appended. */
const MAX_QUEUED = 256;

class WorkerPipeline implements ParsePipeline {
  private readonly queue: BatchQueue;
  private last: CountsWire = ZERO;
  private nextId = 0;
  private acked = -1;
  private failure: Error | null = null;
  private waiters: (() => void)[] = [];
  private doneMsg: DecodeDone | null = null;
  /** The sha256, when it is computed here rather than in the worker (see workerIsLighter). */
  private readonly hash: Hash | null;

  constructor(
    private readonly worker: Worker,
    onBatch: BatchHandler,
    plan: Plan,
  ) {
    this.hash = workerIsLighter(plan) ? null : createHash('sha256');
    this.queue = new BatchQueue(onBatch, () => this.wake());
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'batch':
          this.queue.add(m.batch);
          break;
        case 'pushed':
          this.acked = m.id;
          this.last = m.counts;
          break;
        case 'done':
          this.doneMsg = m.done;
          this.last = m.done.counts;
          break;
        case 'failed':
          this.failure = new Error(m.message);
          break;
        case 'ready':
          break;
      }
      this.wake();
    });
    worker.on('error', (e) => {
      this.failure = e instanceof Error ? e : new Error(String(e));
      this.wake();
    });
    worker.on('exit', (code) => {
      if (this.doneMsg === null && this.failure === null) this.failure = new Error(`parse worker exited (code ${code})`);
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async until(cond: () => boolean): Promise<void> {
    for (;;) {
      if (this.failure !== null) throw this.failure;
      this.queue.check();
      if (cond()) return;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async push(chunk: Uint8Array): Promise<void> {
    this.hash?.update(chunk);
    // A private copy: the source's buffer may be pooled, and transferring would detach it.
    const copy = new Uint8Array(chunk);
    const msg: ToWorker = { type: 'chunk', id: this.nextId++, data: copy.buffer };
    this.worker.postMessage(msg, [copy.buffer]);
    await this.until(() => this.nextId - 1 - this.acked < MAX_IN_FLIGHT && this.queue.length < MAX_QUEUED);
  }

  async end(): Promise<DecodeDone> {
    const msg: ToWorker = { type: 'end' };
    this.worker.postMessage(msg);
    await this.until(() => this.doneMsg !== null);
    await this.queue.drain();
    let done = this.doneMsg as DecodeDone;
    if (this.hash !== null) done = { ...done, sha256: this.hash.digest('hex') };
    void this.worker.terminate();
    return done;
  }

  counts(): CountsWire {
    return this.last;
  }

  close(): void {
    void this.worker.terminate();
  }
}

/** The worker's entry point: built JS, or a bootstrap that loads the TypeScript through tsx. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './parse-worker-boot.mjs' : './parse-worker.js', import.meta.url);
}

/** QTW_PARSE_WORKER: '0' never use a worker thread, '1' always, unset: for large traces. */
function workerPolicy(): 'never' | 'always' | 'auto' {
  const v = process.env.QTW_PARSE_WORKER;
  return v === '0' ? 'never' : v === '1' ? 'always' : 'auto';
}

/** Below this size a worker's start-up (~0.2 s) costs more than it saves. */
const WORKER_MIN_BYTES = 16 << 20;

/** `expectedBytes`: the trace's (estimated) size; null when there is no idea. */
export async function startParsePipeline(init: WorkerInit, catalogue: Catalogue, onBatch: BatchHandler, expectedBytes: number | null = null): Promise<ParsePipeline> {
  const policy = workerPolicy();
  if (policy === 'always' || (policy === 'auto' && (expectedBytes === null || expectedBytes >= WORKER_MIN_BYTES))) {
    try {
      // Decoding allocates many short-lived objects: a larger young generation means fewer
      // scavenges; the old generation is capped so a runaway input cannot take the machine.
      const worker = new Worker(workerUrl(), { workerData: init, resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64 } });
      const ok = await new Promise<boolean>((resolve) => {
        const onMsg = (m: FromWorker) => {
          if (m.type === 'ready' || m.type === 'failed') {
            worker.off('message', onMsg);
            resolve(m.type === 'ready');
          }
        };
        worker.on('message', onMsg);
        worker.once('error', () => resolve(false));
        worker.once('exit', () => resolve(false));
      });
      if (ok) return new WorkerPipeline(worker, onBatch, init.plan);
      void worker.terminate();
      if (policy === 'always') throw new Error('the parse worker could not be started');
    } catch (e) {
      // Fall back to in-thread decoding, unless a worker was explicitly required.
      if (policy === 'always') throw e;
    }
  }
  return new InThreadPipeline(init, catalogue, onBatch);
}
