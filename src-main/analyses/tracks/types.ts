// The track model inside the engine: what one run's analyses look like on a timeline. Times are
// BigInt ns on the run's source clock (ts_ns + traces.clock_offset_ns); `wire.ts` turns them
// into the contract's decimal strings.
import type { SideName, TrackKind } from '../../contract.ts';

/** Where a track is drawn: a side, and within it a thread, or a channel where threads are not traced. */
export interface TrackLaneInfo {
  readonly side: SideName | null;
  readonly traceId: number | null;
  readonly tid: number | null;
  /** multifd channel (the `id`/`channel` argument). */
  readonly channel: number | null;
}

/** An argument shown with an item: u64 values as decimal text, so none is rounded. */
export type TrackArgs = Readonly<Record<string, string | number | boolean | null>>;

export interface TrackSlice {
  readonly ts: bigint;
  /** null: no end was traced (the last state of a trace, an unresolved fault). 0: an instant. */
  readonly dur: bigint | null;
  readonly name: string;
  /** Nesting row: 0 outermost; overlapping slices that do not nest are put on separate rows. */
  readonly depth: number;
  readonly args: TrackArgs;
}

/** A step: `value` holds from `ts` until the next point. */
export interface TrackPoint {
  readonly ts: bigint;
  readonly value: number;
}

/** An arrow between two slice tracks (often across hosts), on the aligned clock. */
export interface TrackFlow {
  readonly fromTrackId: string;
  readonly fromTs: bigint;
  readonly toTrackId: string;
  readonly toTs: bigint;
  readonly name: string;
  readonly args: TrackArgs;
}

/**
 * What a track held in the window beyond the items returned: count, and min/max of the value
 * (counters), the duration (slices, ns) or the latency (flows, toTs - fromTs, ns), per bucket.
 */
export interface TrackBucket {
  readonly from: bigint;
  readonly to: bigint;
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
}

interface TrackCommon {
  readonly id: string;
  readonly title: string;
  /** `migration`, `sections`, `postcopy`, `multifd`, `progress`, `user`: for ordering and folding. */
  readonly group: string;
  readonly lane: TrackLaneInfo;
  /** Items of the track in the window (the returned ones may be fewer: `truncated`). */
  readonly total: number;
  readonly truncated: boolean;
  /** Per-bucket summary of the whole window, when truncated; else null. */
  readonly buckets: readonly TrackBucket[] | null;
  /** A caveat about how the items were made (a heuristic, a pairing left out); null when none. */
  readonly note: string | null;
}

export interface SliceTrack extends TrackCommon {
  readonly kind: 'slice';
  readonly items: readonly TrackSlice[];
}

export interface CounterTrack extends TrackCommon {
  readonly kind: 'counter';
  readonly unit: string;
  readonly items: readonly TrackPoint[];
}

export interface FlowTrack extends TrackCommon {
  readonly kind: 'flow';
  readonly items: readonly TrackFlow[];
}

export type Track = SliceTrack | CounterTrack | FlowTrack;
export type { TrackKind };

export interface TrackWindow {
  /** Inclusive bounds on the aligned clock; null = unbounded. */
  readonly from?: bigint | null;
  readonly to?: bigint | null;
  /** Most items returned per track (default 2000); beyond it the track is thinned and bucketed. */
  readonly maxItems?: number;
  /** Buckets of the summary of a thinned track (default 200). */
  readonly buckets?: number;
}

export interface TrackSet {
  readonly runId: number;
  readonly srcTraceId: number | null;
  readonly dstTraceId: number | null;
  /** The source's clock kind (the axis); null when the run has no timed trace. */
  readonly clock: string | null;
  readonly from: bigint | null;
  readonly to: bigint | null;
  readonly maxItems: number;
  readonly tracks: readonly Track[];
  /** What was left out of the whole set and why (a side on another clock, a side without times). */
  readonly notes: readonly string[];
}
