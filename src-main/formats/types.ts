// Records as every decoder hands them to ingest. Decoders type events with a Catalogue; they
// never know DuckDB. `seq` counts every record of a trace (event, unparsed or dropped) from 0,
// so that for every trace events + unparsed + dropped records = records in the input.
import type { ArgValue, ArgWriter, EventSpec } from '../catalogue/types.ts';

export type TraceFormat =
  | 'log'
  | 'simpletrace'
  | 'stap'
  | 'ftrace'
  | 'syslog'
  | 'journal'
  | 'babeltrace'
  | 'simpletrace-py';

/** What ts_ns means for a trace (docs/ARCHITECTURE.md, `traces.clock`). */
/** `daytime`: nanoseconds since the midnight before the first record, of an unknown day and zone. */
/** `relative`: nanoseconds since the trace's first record (simpletrace.py's summed deltas). */
export type ClockKind = 'epoch' | 'monotonic' | 'kernel' | 'daytime' | 'relative' | 'none';

/** Prefix style of one log line (docs/qemu-trace-formats.md §3.2). */
export type PrefixStyle = 'none' | 'tid@sec.usec' | 'iso8601' | 'pid@ns' | 'ftrace' | 'syslog' | 'journal' | 'babeltrace' | 'simpletrace' | 'simpletrace.py';

export interface EventRecord {
  readonly seq: number;
  /** Byte offset of the record's first byte in the (decompressed) input. */
  readonly offset: number;
  /** 1-based line number for text traces, null for binary ones. */
  readonly line: number | null;
  readonly tsNs: bigint | null;
  readonly tid: number | null;
  readonly pid: number | null;
  readonly event: EventSpec;
  /** One value per `event.args`, typed as ArgValue documents. */
  readonly args: ArgValue[];
}

export interface UnparsedRecord {
  readonly seq: number;
  readonly offset: number;
  readonly line: number | null;
  readonly tsNs: bigint | null;
  readonly tid: number | null;
  readonly pid: number | null;
  /** Event name when one could be read (unknown event, mismatch), else null (foreign line). */
  readonly name: string | null;
  readonly reason: string;
  /** The text line(s) as read, or the binary record's bytes as lowercase hex. */
  readonly raw: string;
}

/**
 * The exact bytes behind text that was not valid UTF-8 (docs/qemu-trace-formats.md §2.9, §3.5, §6.11):
 * the record is stored decoded lossily (U+FFFD) in its table, and these bytes beside it.
 */
export interface LossyRecord {
  /** The record's seq (an event's or an unparsed record's). */
  readonly seq: number;
  /** Text traces: the physical line; binary: null. */
  readonly line: number | null;
  readonly name: string | null;
  /** The string argument (simpletrace), or null for a whole line (text traces). */
  readonly arg: string | null;
  readonly raw: Uint8Array;
}

export interface DroppedRecord {
  readonly seq: number;
  readonly offset: number;
  readonly tsNs: bigint;
  readonly pid: number | null;
  readonly count: bigint;
}

export interface RecordSink {
  event(r: EventRecord): void;
  unparsed(r: UnparsedRecord): void;
  dropped(r: DroppedRecord): void;
  /** Raw bytes of lossily decoded text; sinks that do not keep them leave this out. */
  lossy?(r: LossyRecord): void;
}

/**
 * Rows of one event written straight into column storage: no record object, argument array or
 * BigInt per record, which is most of the cost of decoding tens of millions of records. Setters
 * write the row being built (a null takes effect at `commit`); the row becomes a record only at
 * `commit`, so a decoder may abandon a row half written: it then calls `discard`.
 */
export interface EventRows extends ArgWriter {
  /** The row is complete: a record with this seq, timestamp (u64 halves), tid and pid. */
  commit(seq: number, tsLo: number, tsHi: number, tid: number | null, pid: number | null): void;
  /** Forget what was written since the last commit. */
  discard(): void;
  /**
   * A string argument given as bytes the caller has checked are all ASCII (< 0x80), so they are
   * the string's UTF-8 as they stand: a short one can be laid out for DuckDB without ever
   * becoming a JS string.
   */
  setAsciiBytes(arg: number, bytes: Uint8Array, start: number, end: number): void;
}

/** A sink that also takes rows directly (see EventRows). */
export interface ColumnarSink extends RecordSink {
  /**
   * Direct rows for `event`, or null when its argument types need the record path.
   * `sliced`: the decoder's strings may be slices of a large input string, to be copied.
   */
  eventRows(event: EventSpec, sliced?: boolean): EventRows | null;
}

export function isColumnarSink(s: RecordSink): s is ColumnarSink {
  return typeof (s as Partial<ColumnarSink>).eventRows === 'function';
}

/** A one-line diagnostic with where it happened; never a stack trace. */
export class TraceFormatError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}: ${where}: ${reason}`);
    this.name = 'TraceFormatError';
  }
}
