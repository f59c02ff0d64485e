// Turns decoded records into column batches of up to one data chunk, per event type, in the
// layout the workspace appends. Pure JS: it runs in the parse worker, and its buffers move to
// the DuckDB thread without copying.
import type { EventSpec } from '../catalogue/types.ts';
import type { ColumnarSink, DroppedRecord, EventRecord, EventRows, UnparsedRecord } from '../formats/types.ts';
import { CHUNK_ROWS, Column, detach, INLINE_STRINGS, packInline, STRING_T_WORDS, type ColumnType } from '../workspace/column.ts';

export type BatchKind = 'event' | 'unparsed' | 'dropped';

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

/** Column byte width per type, to check that direct rows fit an event's columns. */
function width(c: Column): number {
  return c.data === null ? 0 : c.data.BYTES_PER_ELEMENT;
}

/** Direct rows of one event (see EventRows): values go straight into the batch's typed arrays. */
class DirectRows implements EventRows {
  /** Arguments set to null in the row being built (applied at commit: the row may be discarded). */
  private nulls: number[] = [];

  constructor(
    private readonly batcher: RecordBatcher,
    private readonly b: Building,
    private readonly sliced: boolean,
  ) {}

  setWords(arg: number, lo: number, hi: number): void {
    const w = this.b.columns[4 + arg].words as Uint32Array;
    const i = this.b.n * 2;
    w[i] = lo;
    w[i + 1] = hi;
  }

  setSmall(arg: number, v: number): void {
    (this.b.columns[4 + arg].data as Int32Array)[this.b.n] = v;
  }

  setString(arg: number, v: string): void {
    (this.b.columns[4 + arg].strings as string[])[this.b.n] = this.sliced ? detach(v) : v;
  }

  setNull(arg: number): void {
    this.nulls.push(arg);
  }

  discard(): void {
    if (this.nulls.length > 0) this.nulls = [];
  }

  commit(seq: number, tsLo: number, tsHi: number, tid: number | null, pid: number | null): void {
    const nulls = this.nulls;
    if (nulls.length > 0) {
      const c = this.b.columns;
      for (let k = 0; k < nulls.length; k++) c[4 + nulls[k]].setNull(this.b.n);
      this.nulls = [];
    }
    this.batcher.commitRow(this.b, seq, tsLo, tsHi, tid, pid);
  }
}

export class RecordBatcher implements ColumnarSink {
  private readonly events = new Map<EventSpec, Building>();
  private readonly unparsedB = new Building('unparsed', null, UNPARSED_BATCH);
  private readonly droppedB = new Building('dropped', null, DROPPED_BATCH);
  /**
   * Extremes of the u64 timestamps of direct rows as 32-bit halves (hi -1: none yet), folded into
   * `counts` when it is read: comparing BigInts per record would cost more than the row itself.
   */
  private minHi = -1;
  private minLo = 0;
  private maxHi = -1;
  private maxLo = 0;
  private readonly k: DecodeCounts = {
    events: 0,
    unparsed: 0,
    droppedRecords: 0,
    droppedEvents: 0n,
    firstTs: null,
    lastTs: null,
    eventCounts: new Map(),
  };

  /**
   * `packStrings`: lay VARCHAR columns out as DuckDB string_t here, for a consumer on a busier
   * thread; a column whose strings are all inline then crosses without its string array.
   */
  constructor(
    private readonly emit: (b: RecordBatch, transfer: ArrayBuffer[]) => void,
    private readonly packStrings = false,
  ) {}

  get counts(): DecodeCounts {
    const k = this.k;
    if (this.minHi >= 0) {
      const min = (BigInt(this.minHi) << 32n) | BigInt(this.minLo);
      const max = (BigInt(this.maxHi) << 32n) | BigInt(this.maxLo);
      if (k.firstTs === null || min < k.firstTs) k.firstTs = min;
      if (k.lastTs === null || max > k.lastTs) k.lastTs = max;
      this.minHi = this.maxHi = -1;
    }
    return k;
  }

  private building(event: EventSpec): Building {
    let b = this.events.get(event);
    if (b === undefined) {
      const types = [...EVENT_BATCH_FIXED, ...event.args.map((a) => a.duckType as ColumnType)];
      b = new Building('event', event.name, types);
      this.events.set(event, b);
    }
    return b;
  }

  eventRows(event: EventSpec, sliced = false): EventRows | null {
    const b = this.building(event);
    for (let k = 0; k < event.args.length; k++) {
      const a = event.args[k];
      const c = b.columns[4 + k];
      const fits = a.kind === 'string' ? c.strings !== null : a.bits === 64 ? c.words !== null : width(c) > 0 && width(c) <= 4;
      if (!fits) return null;
    }
    return new DirectRows(this, b, sliced);
  }

  /** Completes row `b.n` written through DirectRows. */
  commitRow(b: Building, seq: number, tsLo: number, tsHi: number, tid: number | null, pid: number | null): void {
    const i = b.n;
    const c = b.columns;
    c[0].setSafeInt(i, seq);
    const w = c[1].words as Uint32Array;
    w[i * 2] = tsLo;
    w[i * 2 + 1] = tsHi;
    if (tid === null) c[2].setNull(i);
    else (c[2].data as Int32Array)[i] = tid;
    if (pid === null) c[3].setNull(i);
    else (c[3].data as Int32Array)[i] = pid;
    this.k.events++;
    // Unsigned order of (hi, lo), as BigInt comparison of the u64 would give.
    if (this.minHi < 0) {
      this.minHi = this.maxHi = tsHi;
      this.minLo = this.maxLo = tsLo;
    } else {
      if (tsHi < this.minHi || (tsHi === this.minHi && tsLo < this.minLo)) {
        this.minHi = tsHi;
        this.minLo = tsLo;
      }
      if (tsHi > this.maxHi || (tsHi === this.maxHi && tsLo > this.maxLo)) {
        this.maxHi = tsHi;
        this.maxLo = tsLo;
      }
    }
    if (++b.n === CHUNK_ROWS) this.ship(b);
  }

  event(r: EventRecord): void {
    const b = this.building(r.event);
    const i = b.n;
    const c = b.columns;
    c[0].setSafeInt(i, r.seq);
    setBig(c[1], i, r.tsNs);
    setInt(c[2], i, r.tid);
    setInt(c[3], i, r.pid);
    const args = r.args;
    for (let k = 0; k < args.length; k++) c[4 + k].set(i, args[k]);
    const k = this.k;
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
    this.k.unparsed++;
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
    this.k.droppedRecords++;
    this.k.droppedEvents += r.count;
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
      if (c.strings !== null && this.packStrings && INLINE_STRINGS) {
        const w = new Uint32Array(b.n * STRING_T_WORDS);
        const all = packInline(c.strings, b.n, w);
        transfer.push(w.buffer);
        return { type: c.type, data, validity, hasNull: c.hasNull, strings: all ? null : c.strings, packed: w.buffer };
      }
      return { type: c.type, data, validity, hasNull: c.hasNull, strings: c.strings, packed: null };
    });
    if (b.kind === 'event' && b.name !== null) {
      const m = this.k.eventCounts;
      m.set(b.name, (m.get(b.name) ?? 0) + b.n);
    }
    const batch: RecordBatch = { kind: b.kind, name: b.name, n: b.n, columns };
    // Fresh columns: the shipped buffers now belong to the receiver.
    b.columns = b.types.map((t) => new Column(t));
    b.n = 0;
    this.emit(batch, transfer);
  }
}
