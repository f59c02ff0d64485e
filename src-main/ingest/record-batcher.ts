// Turns decoded records into column batches of up to one data chunk, per event type, in the
// layout the workspace appends. Pure JS: it runs in the parse worker, and its buffers move to
// the DuckDB thread without copying.
import type { EventSpec } from '../catalogue/types.ts';
import type { DroppedRecord, EventRecord, RecordSink, UnparsedRecord } from '../formats/types.ts';
import { CHUNK_ROWS, Column, type ColumnType } from '../workspace/column.ts';

export type BatchKind = 'event' | 'unparsed' | 'dropped';

export interface ColumnPayload {
  readonly type: ColumnType;
  readonly data: ArrayBuffer | null;
  readonly validity: ArrayBuffer;
  readonly hasNull: boolean;
  readonly strings: (string | null)[] | null;
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

export interface DecodeCounts {
  events: number;
  unparsed: number;
  droppedRecords: number;
  droppedEvents: bigint;
  firstTs: bigint | null;
  lastTs: bigint | null;
  readonly eventCounts: Map<string, number>;
}

class Building {
  columns: Column[];
  n = 0;
  constructor(
    readonly kind: BatchKind,
    readonly name: string | null,
    readonly types: readonly ColumnType[],
  ) {
    this.columns = types.map((t) => new Column(t));
  }
}

function setInt(c: Column, i: number, v: number | null): void {
  if (v === null) c.setNull(i);
  else (c.data as Int32Array)[i] = v;
}

function setBig(c: Column, i: number, v: bigint | null): void {
  if (v === null) c.setNull(i);
  else (c.data as BigInt64Array)[i] = v;
}

export class RecordBatcher implements RecordSink {
  private readonly events = new Map<EventSpec, Building>();
  private readonly unparsedB = new Building('unparsed', null, UNPARSED_BATCH);
  private readonly droppedB = new Building('dropped', null, DROPPED_BATCH);
  readonly counts: DecodeCounts = {
    events: 0,
    unparsed: 0,
    droppedRecords: 0,
    droppedEvents: 0n,
    firstTs: null,
    lastTs: null,
    eventCounts: new Map(),
  };

  constructor(private readonly emit: (b: RecordBatch, transfer: ArrayBuffer[]) => void) {}

  event(r: EventRecord): void {
    let b = this.events.get(r.event);
    if (b === undefined) {
      const types = [...EVENT_BATCH_FIXED, ...r.event.args.map((a) => a.duckType as ColumnType)];
      b = new Building('event', r.event.name, types);
      this.events.set(r.event, b);
    }
    const i = b.n;
    const c = b.columns;
    c[0].setSafeInt(i, r.seq);
    setBig(c[1], i, r.tsNs);
    setInt(c[2], i, r.tid);
    setInt(c[3], i, r.pid);
    const args = r.args;
    for (let k = 0; k < args.length; k++) c[4 + k].set(i, args[k]);
    const k = this.counts;
    k.events++;
    const ts = r.tsNs;
    if (ts !== null) {
      if (k.firstTs === null || ts < k.firstTs) k.firstTs = ts;
      if (k.lastTs === null || ts > k.lastTs) k.lastTs = ts;
    }
    if (++b.n === CHUNK_ROWS) this.ship(b);
  }

  unparsed(r: UnparsedRecord): void {
    const b = this.unparsedB;
    const i = b.n;
    const c = b.columns;
    c[0].setSafeInt(i, r.seq);
    if (r.line === null) c[1].setNull(i);
    else c[1].setSafeInt(i, r.line);
    c[2].setSafeInt(i, r.offset);
    setBig(c[3], i, r.tsNs);
    setInt(c[4], i, r.tid);
    setInt(c[5], i, r.pid);
    c[6].set(i, r.name);
    c[7].set(i, r.reason);
    c[8].set(i, r.raw);
    this.counts.unparsed++;
    if (++b.n === CHUNK_ROWS) this.ship(b);
  }

  dropped(r: DroppedRecord): void {
    const b = this.droppedB;
    const i = b.n;
    const c = b.columns;
    c[0].setSafeInt(i, r.seq);
    setBig(c[1], i, r.tsNs);
    setInt(c[2], i, r.pid);
    c[3].set(i, r.count);
    this.counts.droppedRecords++;
    this.counts.droppedEvents += r.count;
    if (++b.n === CHUNK_ROWS) this.ship(b);
  }

  /** Ship every partly filled batch (at the end of a trace). */
  flushAll(): void {
    for (const b of this.events.values()) if (b.n > 0) this.ship(b);
    if (this.unparsedB.n > 0) this.ship(this.unparsedB);
    if (this.droppedB.n > 0) this.ship(this.droppedB);
  }

  private ship(b: Building): void {
    const transfer: ArrayBuffer[] = [];
    const columns = b.columns.map((c): ColumnPayload => {
      const data = c.data === null ? null : (c.data.buffer as ArrayBuffer);
      const validity = c.validity.buffer as ArrayBuffer;
      if (data) transfer.push(data);
      transfer.push(validity);
      return { type: c.type, data, validity, hasNull: c.hasNull, strings: c.strings };
    });
    if (b.kind === 'event' && b.name !== null) {
      const m = this.counts.eventCounts;
      m.set(b.name, (m.get(b.name) ?? 0) + b.n);
    }
    const batch: RecordBatch = { kind: b.kind, name: b.name, n: b.n, columns };
    // Fresh columns: the shipped buffers now belong to the receiver.
    b.columns = b.types.map((t) => new Column(t));
    b.n = 0;
    this.emit(batch, transfer);
  }
}
