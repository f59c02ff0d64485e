// Turns decoded records into column batches of up to one data chunk, per event type, in the
// layout the workspace appends. Pure JS: it runs in the parse worker, and its buffers move to
// the DuckDB thread without copying.
import type { EventSpec } from '../../catalogue/types.ts';
import type { ColumnarSink, DroppedRecord, EventRecord, EventRows, LossyRecord, UnparsedRecord } from '../../formats/types.ts';
import type { BufferPool } from './buffer-pool.ts';
import { CHUNK_ROWS, Column, dataBytes, detach, INLINE_MAX, INLINE_STRINGS, packInline, STRING_T_WORDS, type ColumnType } from '../../workspace/column.ts';
import { DROPPED_BATCH, EVENT_BATCH_FIXED, LOSSY_BATCH, UNPARSED_BATCH, type BatchKind, type ColumnPayload, type RecordBatch } from '../../workspace/record-batch.ts';

export interface DecodeCounts {
  events: number;
  unparsed: number;
  droppedRecords: number;
  droppedEvents: bigint;
  firstTs: bigint | null;
  lastTs: bigint | null;
  readonly eventCounts: Map<string, number>;
}

const VALIDITY_BYTES = CHUNK_ROWS / 8;
const PACKED_BYTES = CHUNK_ROWS * STRING_T_WORDS * 4;

class Building {
  columns: Column[];
  n = 0;
  constructor(
    readonly kind: BatchKind,
    readonly name: string | null,
    readonly types: readonly ColumnType[],
    private readonly pool: BufferPool | null,
  ) {
    this.columns = this.fresh();
  }

  /** New columns for the next batch (the shipped buffers belong to the receiver now). */
  fresh(): Column[] {
    const pool = this.pool;
    if (pool === null) return this.types.map((t) => new Column(t));
    return this.types.map((t) => {
      const validity = pool.take(VALIDITY_BYTES);
      new Uint32Array(validity).fill(0xffffffff);
      return new Column(t, t === 'VARCHAR' ? null : pool.take(dataBytes(t)), validity);
    });
  }

  /** The string_t layout of a column that rows are written into directly (see setAsciiBytes). */
  packedRows(c: Column): Uint32Array {
    if (c.packed === null) c.packed = new Uint32Array(this.pool === null ? new ArrayBuffer(PACKED_BYTES) : this.pool.take(PACKED_BYTES));
    return c.packed;
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

const ascii = new TextDecoder('utf-8');

/** ASCII bytes as a string: short ones char by char, longer ones by the (native) decoder. */
function asciiString(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 16) return ascii.decode(bytes.subarray(start, end));
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
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

  setAsciiBytes(arg: number, bytes: Uint8Array, start: number, end: number): void {
    const c = this.b.columns[4 + arg];
    const i = this.b.n;
    const len = end - start;
    if (!this.batcher.packStrings || !INLINE_STRINGS || len > INLINE_MAX) {
      (c.strings as string[])[i] = asciiString(bytes, start, end);
      return;
    }
    // Laid out as string_t now (see packInline); `undefined` in `strings` marks the row as packed.
    const w = this.b.packedRows(c);
    const o = i * STRING_T_WORDS;
    let a = 0;
    let b = 0;
    let d = 0;
    for (let k = 0; k < len; k++) {
      const byte = bytes[start + k] << ((k & 3) * 8);
      if (k < 4) a |= byte;
      else if (k < 8) b |= byte;
      else d |= byte;
    }
    w[o] = len;
    w[o + 1] = a;
    w[o + 2] = b;
    w[o + 3] = d;
    (c.strings as (string | null | undefined)[])[i] = undefined;
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
  private readonly unparsedB: Building;
  private readonly droppedB: Building;
  private readonly lossyB: Building;
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
    readonly packStrings = false,
    /** Where new column buffers come from, when the receiver hands shipped ones back. */
    private readonly pool: BufferPool | null = null,
  ) {
    this.unparsedB = new Building('unparsed', null, UNPARSED_BATCH, pool);
    this.droppedB = new Building('dropped', null, DROPPED_BATCH, pool);
    this.lossyB = new Building('lossy', null, LOSSY_BATCH, pool);
  }

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
      b = new Building('event', event.name, types, this.pool);
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

  /** Event records per pid, but for the current run of one pid (see countPid). */
  private readonly pids = new Map<number, number>();
  private runPid: number | null = null;
  private runLength = 0;

  /** A trace has one or a few processes, in long runs: counting runs costs a compare a record. */
  private countPid(pid: number | null): void {
    if (pid === this.runPid) {
      this.runLength++;
      return;
    }
    this.endPidRun();
    this.runPid = pid;
    this.runLength = 1;
  }

  private endPidRun(): void {
    const p = this.runPid;
    if (p !== null && p !== 0) this.pids.set(p, (this.pids.get(p) ?? 0) + this.runLength);
    this.runPid = null;
    this.runLength = 0;
  }

  /** Event records per pid, without null and 0 (which say nothing about the process). */
  pidCounts(): [number, number][] {
    this.endPidRun();
    return [...this.pids];
  }

  /** Completes row `b.n` written through DirectRows. */
  commitRow(b: Building, seq: number, tsLo: number, tsHi: number, tid: number | null, pid: number | null): void {
    const i = b.n;
    const c = b.columns;
    this.countPid(pid);
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
    this.countPid(r.pid);
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

  lossy(r: LossyRecord): void {
    const b = this.lossyB;
    const i = b.n;
    const c = b.columns;
    c[0].setSafeInt(i, r.seq);
    if (r.line === null) c[1].setNull(i);
    else c[1].setSafeInt(i, r.line);
    c[2].set(i, r.name);
    c[3].set(i, r.arg);
    c[4].set(i, Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength).toString('hex'));
    if (++b.n === CHUNK_ROWS) this.ship(b);
  }

  /** Ship every partly filled batch (at the end of a trace). */
  flushAll(): void {
    for (const b of this.events.values()) if (b.n > 0) this.ship(b);
    if (this.unparsedB.n > 0) this.ship(this.unparsedB);
    if (this.droppedB.n > 0) this.ship(this.droppedB);
    if (this.lossyB.n > 0) this.ship(this.lossyB);
  }

  private ship(b: Building): void {
    const transfer: ArrayBuffer[] = [];
    const columns = b.columns.map((c): ColumnPayload => {
      const data = c.data === null ? null : (c.data.buffer as ArrayBuffer);
      const validity = c.validity.buffer as ArrayBuffer;
      if (data) transfer.push(data);
      transfer.push(validity);
      if (c.strings !== null && this.packStrings && INLINE_STRINGS) {
        const w = c.packed ?? new Uint32Array(this.pool === null ? new ArrayBuffer(b.n * STRING_T_WORDS * 4) : this.pool.take(PACKED_BYTES));
        const packed = w.buffer as ArrayBuffer;
        const all = packInline(c.strings, b.n, w, c.packed !== null);
        transfer.push(packed);
        return { type: c.type, data, validity, hasNull: c.hasNull, strings: all ? null : c.strings, packed };
      }
      return { type: c.type, data, validity, hasNull: c.hasNull, strings: c.strings, packed: null };
    });
    if (b.kind === 'event' && b.name !== null) {
      const m = this.k.eventCounts;
      m.set(b.name, (m.get(b.name) ?? 0) + b.n);
    }
    const batch: RecordBatch = { kind: b.kind, name: b.name, n: b.n, columns };
    // Fresh columns: the shipped buffers now belong to the receiver.
    b.columns = b.fresh();
    b.n = 0;
    this.emit(batch, transfer);
  }
}
