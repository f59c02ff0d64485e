// The record batch: the unit that crosses from a parse worker to the DuckDB thread, laid out as
// the workspace appends it. It lives here, beside the columns it is made of, so that the trace
// writer need not import ingest (which produces batches) to know what it appends.
import type { ColumnType } from './column.ts';

export type BatchKind = 'event' | 'unparsed' | 'dropped' | 'lossy';

export interface ColumnPayload {
  readonly type: ColumnType;
  readonly data: ArrayBuffer | null;
  readonly validity: ArrayBuffer;
  readonly hasNull: boolean;
  /** Null when every row is in `packed`. */
  readonly strings: (string | null)[] | null;
  /** VARCHAR rows as DuckDB string_t (see packInline), when the producer laid them out. */
  readonly packed: ArrayBuffer | null;
}

/** A batch as it crosses from the parse worker: columns without trace_id and side. */
export interface RecordBatch {
  readonly kind: BatchKind;
  /** Event name for `event` batches. */
  readonly name: string | null;
  readonly n: number;
  readonly columns: ColumnPayload[];
}

/** Leading columns of an event batch: seq, ts_ns, tid, pid (then the arguments). */
export const EVENT_BATCH_FIXED: readonly ColumnType[] = ['BIGINT', 'BIGINT', 'INTEGER', 'INTEGER'];
export const UNPARSED_BATCH: readonly ColumnType[] = ['BIGINT', 'BIGINT', 'UBIGINT', 'BIGINT', 'INTEGER', 'INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR'];
export const DROPPED_BATCH: readonly ColumnType[] = ['BIGINT', 'BIGINT', 'INTEGER', 'UBIGINT'];
/** seq, line_no, name, arg, raw (hex). */
export const LOSSY_BATCH: readonly ColumnType[] = ['BIGINT', 'BIGINT', 'VARCHAR', 'VARCHAR', 'VARCHAR'];
