// Records as every decoder hands them to ingest. Decoders type events with a Catalogue; they
// never know DuckDB. `seq` counts every record of a trace (event, unparsed or dropped) from 0,
// so that for every trace events + unparsed + dropped records = records in the input.
import type { ArgValue, EventSpec } from '../catalogue/types.ts';

export type TraceFormat =
  | 'log'
  | 'simpletrace'
  | 'stap'
  | 'ftrace'
  | 'syslog'
  | 'journal'
  | 'babeltrace';

/** What ts_ns means for a trace (ARCHITECTURE.md, `traces.clock`). */
export type ClockKind = 'epoch' | 'monotonic' | 'kernel' | 'none';

/** Prefix style of one log line (qemu-trace-formats.md §3.2). */
export type PrefixStyle = 'none' | 'tid@sec.usec' | 'iso8601' | 'pid@ns' | 'ftrace' | 'syslog' | 'journal' | 'babeltrace' | 'simpletrace';

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
}

/**
 * Rows of one event written straight into column storage, for decoders whose values are already
 * machine integers (simpletrace): no record object, argument array or BigInt per record, which
 * is most of the cost of decoding tens of millions of records. Setters write the row being built;
 * it becomes a record only at `commit`, so a decoder may abandon a row half written.
 */
export interface EventRows {
  /** A 64-bit argument (integer or pointer) from its 32-bit halves: stored bit for bit. */
  setWords(arg: number, lo: number, hi: number): void;
  /** An argument of at most 32 bits: bool as 0/1, char as its byte. */
  setSmall(arg: number, v: number): void;
  setString(arg: number, v: string): void;
  /** The row is complete: a record with this seq, timestamp (u64 halves) and pid. No tid. */
  commit(seq: number, tsLo: number, tsHi: number, pid: number | null): void;
}

/** A sink that also takes rows directly (see EventRows). */
export interface ColumnarSink extends RecordSink {
  /** Direct rows for `event`, or null when its argument types need the record path. */
  eventRows(event: EventSpec): EventRows | null;
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
