// Messages between the ingest driver and the parse worker. Plain data only (structured clone);
// batch buffers are transferred, not copied.
import type { PrefixStyle, TraceFormat, ClockKind } from '../../formats/types.ts';
import type { Plan } from './decoders.ts';
import type { RecordBatch } from '../../workspace/record-batch.ts';

export interface WorkerInit {
  readonly plan: Plan;
  readonly file: string;
  /** Catalogue to rebuild in the worker, and the id it must have (same text ⇒ same id). */
  readonly catalogue: { readonly source: string; readonly name: string; readonly id: string };
}

/** Running totals, sent with each acknowledgement (bigints as decimal strings). */
export interface CountsWire {
  readonly events: number;
  readonly unparsed: number;
  readonly droppedRecords: number;
  readonly droppedEvents: string;
  readonly firstTs: string | null;
  readonly lastTs: string | null;
}

/** Totals as they cross between threads (the bigints as decimal strings). */
export function countsWire(c: {
  readonly events: number;
  readonly unparsed: number;
  readonly droppedRecords: number;
  readonly droppedEvents: bigint;
  readonly firstTs: bigint | null;
  readonly lastTs: bigint | null;
}): CountsWire {
  return {
    events: c.events,
    unparsed: c.unparsed,
    droppedRecords: c.droppedRecords,
    droppedEvents: String(c.droppedEvents),
    firstTs: c.firstTs === null ? null : String(c.firstTs),
    lastTs: c.lastTs === null ? null : String(c.lastTs),
  };
}

export interface DecodeDone {
  readonly counts: CountsWire;
  readonly eventCounts: [string, number][];
  /** Event records per pid (null and 0 left out), to name the trace's process without a scan. */
  readonly pidCounts: [number, number][];
  readonly error: string | null;
  readonly truncatedAt: number | null;
  readonly format: TraceFormat;
  readonly clock: ClockKind;
  readonly prefixStyle: PrefixStyle | null;
  /** sha256 (hex; '' when the driver hashes, see workerIsLighter) and length of the decompressed bytes decoded. */
  readonly sha256: string;
  readonly bytes: number;
  /** Lines read (text traces), and records per prefix style. */
  readonly lines: number;
  readonly prefixStyles: [PrefixStyle, number][];
  /** Lines joined to the record before them (multi-line messages). */
  readonly continuationLines: number;
  /** The year assumed for the first record whose stamp has none (Decoder.yearAssumed). */
  readonly yearAssumed: number | null;
}

/**
 * `chunk`/`end`: the trace as one stream. `segment`, `segmentData`, `segmentEnd`: a
 * self-contained piece of a log that starts at byte `offset` (see segments.ts), decoded on its
 * own; its seq and line numbers start at 0 and 1, and the driver adds what the segments before
 * it counted. Each `chunk` and `segmentData` is acknowledged by a `pushed`.
 */
export type ToWorker =
  | { readonly type: 'chunk'; readonly id: number; readonly data: ArrayBuffer }
  /** `readError`: why the input ended early, if it did (see Decoder.end). */
  | { readonly type: 'end'; readonly readError: string | null }
  | { readonly type: 'segment'; readonly id: number; readonly offset: number }
  | { readonly type: 'segmentData'; readonly id: number; readonly data: ArrayBuffer }
  | { readonly type: 'segmentEnd'; readonly id: number; readonly readError: string | null }
  /** Column buffers of appended batches, handed back for reuse (see buffer-pool.ts). */
  | { readonly type: 'recycle'; readonly buffers: ArrayBuffer[] };

export type FromWorker =
  | { readonly type: 'ready' }
  /** `segment`: the segment the batch belongs to (absent for a stream). */
  | { readonly type: 'batch'; readonly batch: RecordBatch; readonly segment?: number }
  | { readonly type: 'segmentDone'; readonly id: number; readonly done: DecodeDone }
  | { readonly type: 'pushed'; readonly id: number; readonly counts: CountsWire }
  | { readonly type: 'done'; readonly done: DecodeDone }
  | { readonly type: 'failed'; readonly message: string };

/**
 * Whether the parse worker is the less busy thread for this plan: then it also computes the
 * sha256, else the main thread does. Text decoding keeps the worker busier than DuckDB keeps
 * the main thread; simpletrace decoding, the other way round.
 */
export function workerIsLighter(plan: Plan): boolean {
  return plan.kind === 'simple';
}
