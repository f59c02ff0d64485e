// Drives the decoding of one trace: in a worker thread when one can be started (parsing on one
// core, DuckDB appends on the other), on several when there are cores to spare and the trace is
// a log (parse-segmented.ts), else in this thread. Either way, batches reach `onBatch` strictly
// in order, and a bounded amount of input is in flight, so memory stays bounded.
import { createHash, type Hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Catalogue } from '../../catalogue/types.ts';
import { ParseCore } from './parse-core.ts';
import { workerIsLighter, type CountsWire, type DecodeDone, type FromWorker, type ToWorker, type WorkerInit } from './parse-protocol.ts';
import type { Plan } from './decoders.ts';
import { BatchQueue, type BatchHandler } from './batch-queue.ts';
import { Gate } from './gate.ts';
import { takeTransferable } from '../sources/bytes.ts';
import { BufferReturn } from './buffer-pool.ts';
import { spawnParseWorker } from './parse-worker-spawn.ts';
import { segmentable, startSegmentedPipeline } from './parse-segmented.ts';

export interface ParsePipeline {
  /** Feed bytes; resolves when more may be fed. */
  push(chunk: Uint8Array): Promise<void>;
  /**
   * No more bytes: resolves once every batch has been handed to `onBatch`. `readError`: why the
   * input ended early, if it did (then its unterminated last line is not typed, see Decoder.end).
   */
  end(readError?: string | null): Promise<DecodeDone>;
  /** Totals as of the last acknowledged chunk. */
  counts(): CountsWire;
  /** Stop now (cancel or failure): resolves once no batch is being appended any more. */
  close(): Promise<void>;
}

/** The most input ever sent to a stream worker and not yet decoded (for tests and diagnostics). */
export const pipelineStats = { maxBytesInFlight: 0 };

const ZERO: CountsWire = { events: 0, unparsed: 0, droppedRecords: 0, droppedEvents: '0', firstTs: null, lastTs: null };

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

  async end(readError: string | null = null): Promise<DecodeDone> {
    const done = this.core.end(readError);
    await this.queue.drain();
    this.last = done.counts;
    return done;
  }

  counts(): CountsWire {
    return this.last;
  }

  async close(): Promise<void> {}
}

/**
 * Bytes sent to the worker but not yet decoded. DuckDB now and then spends ~100 ms in one append
 * (row groups compressed and written), during which no more input is sent: the worker must have
 * more than that much work in hand, or both threads take turns at idling (measured: 24 MiB
 * ingests a 1 GB log 3% slower than 64).
 */
export const MAX_BYTES_IN_FLIGHT = 64 << 20;
/** Batches decoded but not yet appended. */
const MAX_QUEUED = 256;

class WorkerPipeline implements ParsePipeline {
  private readonly queue: BatchQueue;
  private last: CountsWire = ZERO;
  private nextId = 0;
  private acked = -1;
  /** Sizes of the chunks sent and not yet acknowledged, by id order. */
  private readonly sizes: number[] = [];
  private inFlight = 0;
  private readonly gate = new Gate();
  private doneMsg: DecodeDone | null = null;
  /** The sha256, when it is computed here rather than in the worker (see workerIsLighter). */
  private readonly hash: Hash | null;

  constructor(
    private readonly worker: Worker,
    onBatch: BatchHandler,
    plan: Plan,
  ) {
    this.hash = workerIsLighter(plan) ? null : createHash('sha256');
    const back = new BufferReturn((buffers) => {
      const msg: ToWorker = { type: 'recycle', buffers };
      worker.postMessage(msg, buffers);
    });
    this.queue = new BatchQueue(back.wrap(onBatch), () => this.gate.wake());
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'batch':
          this.queue.add(m.batch);
          break;
        case 'pushed':
          while (this.acked < m.id) {
            this.acked++;
            this.inFlight -= this.sizes.shift() ?? 0;
          }
          this.last = m.counts;
          break;
        case 'done':
          this.doneMsg = m.done;
          this.last = m.done.counts;
          break;
        case 'failed':
          this.gate.fail(new Error(m.message));
          break;
        case 'ready':
          break;
      }
      this.gate.wake();
    });
    worker.on('error', (e) => this.gate.fail(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => {
      if (this.doneMsg === null) this.gate.fail(new Error(`parse worker exited (code ${code})`));
    });
  }

  async push(chunk: Uint8Array): Promise<void> {
    this.hash?.update(chunk);
    // The chunk's own buffer when the source gives it up, else a private copy (a buffer that
    // may be pooled or viewed elsewhere must not be detached).
    const data = takeTransferable(chunk) ?? (new Uint8Array(chunk).buffer as ArrayBuffer);
    // Measured before the transfer, which leaves `data` empty.
    const size = data.byteLength;
    const msg: ToWorker = { type: 'chunk', id: this.nextId++, data };
    this.worker.postMessage(msg, [data]);
    this.sizes.push(size);
    this.inFlight += size;
    if (this.inFlight > pipelineStats.maxBytesInFlight) pipelineStats.maxBytesInFlight = this.inFlight;
    await this.gate.until(() => this.inFlight < MAX_BYTES_IN_FLIGHT && this.queue.length < MAX_QUEUED, () => this.queue.check());
  }

  async end(readError: string | null = null): Promise<DecodeDone> {
    const msg: ToWorker = { type: 'end', readError };
    this.worker.postMessage(msg);
    await this.gate.until(() => this.doneMsg !== null, () => this.queue.check());
    await this.queue.drain();
    let done = this.doneMsg as DecodeDone;
    if (this.hash !== null) done = { ...done, sha256: this.hash.digest('hex') };
    void this.worker.terminate();
    return done;
  }

  counts(): CountsWire {
    return this.last;
  }

  async close(): Promise<void> {
    void this.worker.terminate();
    await this.queue.stop();
  }

}

/** QTW_PARSE_WORKER: '0' never use a worker thread, '1' always, unset: for large traces. */
function workerPolicy(): 'never' | 'always' | 'auto' {
  const v = process.env.QTW_PARSE_WORKER;
  return v === '0' ? 'never' : v === '1' ? 'always' : 'auto';
}

/**
 * Parse workers for a trace that can be cut into segments: QTW_PARSE_WORKERS, else one per core
 * besides the one the main thread's DuckDB appends keep busy, at most 4. (On two cores a second
 * worker only competes with the appends: measured slower than one.)
 */
function parseWorkerCount(): number {
  const v = Number(process.env.QTW_PARSE_WORKERS);
  if (Number.isInteger(v) && v >= 1 && v <= 16) return v;
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * Below this size a worker's start-up (~0.25 s) costs more than the overlap saves: measured on
 * 2 cores, in-thread decoding is as fast up to about 80 MB of log and 120 MB of simpletrace.
 */
const WORKER_MIN_BYTES = 96 << 20;

/** `expectedBytes`: the trace's (estimated) size; null when there is no idea. */
export async function startParsePipeline(init: WorkerInit, catalogue: Catalogue, onBatch: BatchHandler, expectedBytes: number | null = null): Promise<ParsePipeline> {
  const policy = workerPolicy();
  if (policy === 'always' || (policy === 'auto' && (expectedBytes === null || expectedBytes >= WORKER_MIN_BYTES))) {
    try {
      const n = segmentable(init.plan) ? parseWorkerCount() : 1;
      if (n > 1) {
        const seg = await startSegmentedPipeline(init, catalogue, onBatch, n);
        if (seg !== null) return seg;
      }
      const worker = await spawnParseWorker(init);
      if (worker !== null) return new WorkerPipeline(worker, onBatch, init.plan);
      if (policy === 'always') throw new Error('the parse worker could not be started');
    } catch (e) {
      // Fall back to in-thread decoding, unless a worker was explicitly required.
      if (policy === 'always') throw e;
    }
  }
  return new InThreadPipeline(init, catalogue, onBatch);
}
