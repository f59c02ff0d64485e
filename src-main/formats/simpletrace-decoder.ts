// Streaming push decoder for QEMU simpletrace files (docs/qemu-trace-formats.md §2, §6 items 1–18).
// Input arrives in arbitrary chunks; a record that spans chunks is completed in a small carry
// buffer (only the partial tail is copied), everything else is parsed in place, so memory stays
// bounded by the largest record whatever the file size.
import type { Catalogue, EventSpec, PositionHole } from '../catalogue/types.ts';
import { isColumnarSink, TraceFormatError } from './types.ts';
import type { RecordSink } from './types.ts';
import { hexU64, PayloadDecoder, planFor, untypedPlan } from './simpletrace-args.ts';
import type { DecodePlan } from './simpletrace-args.ts';
import { classifyHead, HEADER_BYTES, MAX_MAPPING_NAME, MAX_RECORD_LENGTH } from './simpletrace-header.ts';

export interface SimpletraceOptions {
  /** Name used in diagnostics (a path or archive member). */
  file: string;
  /** Types every event; also gives positional ids for headerless, v2 and v3 streams. */
  catalogue: Catalogue;
}

export interface SimpletraceSummary {
  /** 2, 3 or 4; 0 for a rejected v0 file; null when no header could be read. */
  version: number | null;
  littleEndian: boolean;
  headerless: boolean;
  /** Records handed to the sink (events + unparsed + dropped); mapping records are not records. */
  records: number;
  /** Byte offset of an incomplete last record (or header), else null. */
  truncatedAt: number | null;
  /** One line naming the file and offset, or null when the whole input was decoded. */
  error: string | null;
  /** Mapping records read. */
  mappings: number;
}

const PHASE_HEAD = 0;
const PHASE_RECORDS = 1;
const PHASE_STOPPED = 2;
/** After a corrupt v4 record: looking for the next offset where records make sense again. */
const PHASE_RESYNC = 3;

/** Skipped bytes kept (as hex) in the `unparsed` row of a corrupt region. */
const SKIPPED_RAW_MAX = 4096;
const CHAIN_NO = 0;
const CHAIN_OK = 1;
const CHAIN_NEED = 2;

const DROPPED_HI = 0xffffffff;
const DROPPED_LO = 0xfffffffe;
/** Ids below this are cached in a dense array; QEMU's are small u32s counted from 0. */
const DENSE_IDS = 1 << 20;

/** A u64 event id as a map key: a number while exact (below 2^53), else a string. */
type IdKey = number | string;
function idKey(hi: number, lo: number): IdKey {
  return hi < 0x200000 ? hi * 0x100000000 + lo : `${hi}:${lo}`;
}
const nameDecoder = new TextDecoder('utf-8', { fatal: false });

interface Carry {
  bytes: Uint8Array;
  dv: DataView;
  buf: Buffer;
}

function carryOf(size: number): Carry {
  const bytes = new Uint8Array(size);
  return { bytes, dv: new DataView(bytes.buffer), buf: Buffer.from(bytes.buffer, 0, size) };
}

/**
 * The catalogue's events in positional order, rejected lines keeping their places; v2 numbers
 * only the events not marked `disable`.
 */
function positionalEvents(catalogue: Catalogue, skipDisabled: boolean): (EventSpec | PositionHole)[] {
  const all: (EventSpec | PositionHole)[] = catalogue.events.filter((e) => e.position >= 0);
  if (catalogue.holes.length > 0) {
    all.push(...catalogue.holes);
    all.sort((a, b) => a.position - b.position);
  }
  return skipDisabled ? all.filter((e) => !e.disabled) : all;
}

export class SimpletraceDecoder {
  private readonly file: string;
  private readonly catalogue: Catalogue;

  private phase = PHASE_HEAD;
  private version: number | null = null;
  private le = true;
  private headerless = false;
  /** v4 records start with a type word; v2/v3 records do not. */
  private typed = true;
  private args = new PayloadDecoder(true);
  /** Id → event for streams that name events by position (headerless, v2, v3). */
  private positional: readonly (EventSpec | PositionHole)[] | null = null;

  /** Absolute offset of the first byte not yet consumed (start of the carry, if any). */
  private consumed = 0;
  private carry: Carry = carryOf(4096);
  private carryLen = 0;
  /** Bytes the record at the stop position needs in total to make progress (set by `run`). */
  private need = 0;

  private seq = 0;
  private mappings = 0;
  private error: string | null = null;
  private truncatedAt: number | null = null;

  /** The corrupt region being skipped (PHASE_RESYNC): where it starts, why, and its first bytes. */
  private corruptAt = 0;
  private corruptReason = '';
  private skipped: number[] = [];
  /** Lookahead the resync candidate at the stop position needs (set by `chainAt`). */
  private chainNeed = 0;
  private corruptRegions = 0;
  /** The first corrupt region, for the trace's one-line error. */
  private firstCorruptAt = 0;
  private firstCorruption = '';

  private readonly names = new Map<IdKey, string>();
  private readonly densePlans: (DecodePlan | undefined)[] = [];
  private readonly sparsePlans = new Map<IdKey, DecodePlan>();

  constructor(opts: SimpletraceOptions) {
    this.file = opts.file;
    this.catalogue = opts.catalogue;
  }

  push(chunk: Uint8Array, sink: RecordSink): void {
    if (this.phase === PHASE_STOPPED || chunk.length === 0) return;
    let cpos = 0;
    // Finish the record that straddles the previous chunk, copying only the bytes it needs.
    while (this.carryLen > 0) {
      const want = this.need - this.carryLen;
      const take = Math.min(want, chunk.length - cpos);
      this.appendCarry(chunk, cpos, take);
      cpos += take;
      if (this.carryLen < this.need) return;
      const c = this.carry;
      const stop = this.run(c.bytes, c.dv, c.buf, 0, this.carryLen, this.consumed, sink);
      if (this.phase === PHASE_STOPPED) {
        this.carryLen = 0;
        return;
      }
      if (stop === this.carryLen) this.carryLen = 0;
      else if (stop > 0) this.shiftCarry(stop);
    }
    if (cpos >= chunk.length) return;
    const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const stop = this.run(chunk, dv, buf, cpos, chunk.length, this.consumed - cpos, sink);
    if (this.phase !== PHASE_STOPPED && stop < chunk.length) this.appendCarry(chunk, stop, chunk.length - stop);
  }

  /** The bytes of an incomplete final record (after `end`), to keep them in `unparsed`. */
  tailBytes(): Uint8Array {
    return this.carry.bytes.slice(0, this.carryLen);
  }

  end(sink: RecordSink): SimpletraceSummary {
    if (this.phase === PHASE_RESYNC) this.finishResync(sink);
    if (this.phase !== PHASE_STOPPED) {
      if (this.phase === PHASE_HEAD && this.consumed === 0 && this.carryLen === 0) {
        this.fail(0, 'empty file');
      } else if (this.carryLen > 0) {
        const at = this.consumed;
        this.truncatedAt = at;
        this.fail(at, this.truncation());
      }
      this.phase = PHASE_STOPPED;
    }
    if (this.error === null && this.corruptRegions > 0) {
      this.error = new TraceFormatError(this.file, `offset ${this.firstCorruptAt}`, this.firstCorruption).message;
    }
    return {
      version: this.version,
      littleEndian: this.le,
      headerless: this.headerless,
      records: this.seq,
      truncatedAt: this.truncatedAt,
      error: this.error,
      mappings: this.mappings,
    };
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Parses whole records in bytes[pos, end) whose first byte is at absolute offset base + pos.
   * Returns where it stopped: `end`, or the start of an incomplete record (then `need` is set).
   */
  private run(bytes: Uint8Array, dv: DataView, buf: Buffer, pos: number, end: number, base: number, sink: RecordSink): number {
    if (this.phase === PHASE_HEAD) {
      const v = classifyHead(bytes, pos, end - pos);
      if (v.kind === 'need') {
        this.need = v.bytes;
        return pos;
      }
      if (v.kind === 'bad') {
        this.fail(base + pos, v.reason);
        return pos;
      }
      if (!this.start(v.sniff.version, v.sniff.littleEndian, v.sniff.headerless, base + pos)) return pos;
      pos += v.headerBytes;
      this.consumed = base + pos;
    }
    for (;;) {
      if (this.phase === PHASE_RESYNC) {
        pos = this.resync(bytes, dv, pos, end, base, sink, false);
        if (this.phase === PHASE_RESYNC) break;
      }
      pos = this.records(bytes, dv, buf, pos, end, base, sink);
      if (this.phase !== PHASE_RESYNC) break;
    }
    if (this.phase !== PHASE_STOPPED) this.consumed = base + pos;
    return pos;
  }

  /** The record loop of `run`, from pos: stops at the end, at an incomplete record, or at a corrupt one. */
  private records(bytes: Uint8Array, dv: DataView, buf: Buffer, pos: number, end: number, base: number, sink: RecordSink): number {
    const le = this.le;
    const loAt = le ? 0 : 4;
    const hiAt = le ? 4 : 0;
    if (this.typed) {
      for (;;) {
        const avail = end - pos;
        if (avail < 8) {
          this.need = 8;
          break;
        }
        const typeLo = dv.getUint32(pos + loAt, le);
        const typeHi = dv.getUint32(pos + hiAt, le);
        if (typeLo === 1 && typeHi === 0) {
          if (avail < 32) {
            this.need = 32;
            break;
          }
          const len = dv.getUint32(pos + 24, le);
          if (len < 24 || len > MAX_RECORD_LENGTH) {
            this.corrupt(base + pos, `corrupt event record: length ${len} (must be 24 to ${MAX_RECORD_LENGTH})`);
            break;
          }
          if (avail < 8 + len) {
            this.need = 8 + len;
            break;
          }
          this.eventRecord(bytes, dv, buf, pos + 8, pos + 8 + len, base + pos, sink);
          pos += 8 + len;
        } else if (typeLo === 0 && typeHi === 0) {
          if (avail < 20) {
            this.need = 20;
            break;
          }
          const n = dv.getUint32(pos + 16, le);
          if (n > MAX_MAPPING_NAME) {
            this.corrupt(base + pos, `corrupt mapping record: name length ${n} (must be at most ${MAX_MAPPING_NAME})`);
            break;
          }
          if (avail < 20 + n) {
            this.need = 20 + n;
            break;
          }
          this.mappingRecord(bytes, dv, pos, n);
          pos += 20 + n;
        } else if (typeLo === 0xffffffff && typeHi === 0xffffffff) {
          // Another header: files concatenated (`cat a.simple b.simple`); its records follow.
          if (avail < HEADER_BYTES) {
            this.need = HEADER_BYTES;
            break;
          }
          if (!this.isHeader(bytes, pos)) {
            this.corrupt(base + pos, 'corrupt stream: a header word without a matching simpletrace v4 header');
            break;
          }
          pos += HEADER_BYTES;
        } else {
          this.corrupt(base + pos, `corrupt stream: record type word ${hexU64(typeHi, typeLo)} is neither 0 (mapping) nor 1 (event)`);
          break;
        }
      }
    } else {
      for (;;) {
        const avail = end - pos;
        if (avail < 24) {
          this.need = 24;
          break;
        }
        const len = dv.getUint32(pos + 16, le);
        if (len < 24 || len > MAX_RECORD_LENGTH) {
          this.corrupt(base + pos, `corrupt event record: length ${len} (must be 24 to ${MAX_RECORD_LENGTH})`);
          break;
        }
        if (avail < len) {
          this.need = len;
          break;
        }
        this.eventRecord(bytes, dv, buf, pos, pos + len, base + pos, sink);
        pos += len;
      }
    }
    return pos;
  }

  /** Whether a v4 header of this stream's byte order starts at b[pos] (24 bytes available). */
  private isHeader(b: Uint8Array, pos: number): boolean {
    const v = classifyHead(b, pos, HEADER_BYTES);
    return v.kind === 'ok' && !v.sniff.headerless && v.sniff.version === 4 && v.sniff.littleEndian === this.le;
  }

  /**
   * A corrupt record at `at`. There is no sync marker (docs/qemu-trace-formats.md §6 item 18), but a
   * v4 stream (with or without its header) can be picked up again where records make sense once
   * more (see chainAt); v2/v3 streams, without type words, stop here.
   */
  /**
   * A corrupt record at `at`: v4 streams skip to the next point where records make sense again
   * (see `resync`); v2/v3 records carry no type word to find that point by, so the rest of the
   * file is skipped. Either way the skipped bytes become an `unparsed` row.
   */
  private corrupt(at: number, reason: string): void {
    if (this.corruptRegions++ === 0) {
      this.firstCorruptAt = at;
      this.firstCorruption = reason;
    }
    this.corruptAt = at;
    this.corruptReason = reason;
    this.skipped = [];
    this.phase = PHASE_RESYNC;
  }

  /**
   * Skips bytes from pos until a resync point (then back to PHASE_RECORDS, the skipped region
   * kept as one `unparsed` row), or until the bytes run out (then `need` asks for lookahead).
   * The corrupt record's own offset is never a candidate: it is what failed.
   */
  private resync(bytes: Uint8Array, dv: DataView, pos: number, end: number, base: number, sink: RecordSink, final: boolean): number {
    let p = pos;
    if (base + p === this.corruptAt) this.skip(bytes, p++);
    if (!this.typed) {
      for (; p < end; p++) this.skip(bytes, p);
      this.need = 1;
      return p;
    }
    for (; p < end; p++) {
      const r = this.chainAt(bytes, dv, p, end, final);
      if (r === CHAIN_OK) {
        this.resynced(base + p, sink);
        return p;
      }
      if (r === CHAIN_NEED) {
        this.need = this.chainNeed;
        return p;
      }
      this.skip(bytes, p);
    }
    this.need = 1;
    return p;
  }

  private skip(bytes: Uint8Array, p: number): void {
    if (this.skipped.length < SKIPPED_RAW_MAX) this.skipped.push(bytes[p]);
  }

  /** The corrupt region [corruptAt, at) becomes one `unparsed` row; records resume at `at`. */
  private resynced(at: number, sink: RecordSink): void {
    this.skippedRow(sink, at, `${at - this.corruptAt} bytes skipped, records resume at offset ${at}`);
    this.phase = PHASE_RECORDS;
  }

  /** The `unparsed` row of the corrupt region that ends at `at`. */
  private skippedRow(sink: RecordSink, at: number, what: string): void {
    const n = at - this.corruptAt;
    const kept = this.skipped.length < n ? `; raw holds its first ${this.skipped.length} bytes` : '';
    sink.unparsed({
      seq: this.seq++,
      offset: this.corruptAt,
      line: null,
      tsNs: null,
      tid: null,
      pid: null,
      name: null,
      reason: `${this.corruptReason}; ${what}${kept}`,
      raw: Buffer.from(this.skipped).toString('hex'),
    });
    this.skipped = [];
  }

  /** At the end of the input while skipping: the rest is one `unparsed` row, or records resume in it. */
  private finishResync(sink: RecordSink): void {
    const c = this.carry;
    let pos = 0;
    for (;;) {
      pos = this.resync(c.bytes, c.dv, pos, this.carryLen, this.consumed, sink, true);
      if (this.phase === PHASE_RESYNC) break;
      pos = this.records(c.bytes, c.dv, c.buf, pos, this.carryLen, this.consumed, sink);
      if (this.phase !== PHASE_RESYNC) break;
    }
    if (this.phase === PHASE_RESYNC) {
      const at = this.consumed + this.carryLen;
      const n = at - this.corruptAt;
      this.skippedRow(
        sink,
        at,
        this.typed
          ? `the ${n} bytes to the end of the file hold no record that makes sense`
          : `the ${n} bytes to the end of the file are skipped (v${this.version} records have no type word to pick up again at)`,
      );
      this.carryLen = 0;
      this.phase = PHASE_STOPPED;
      return;
    }
    // Records resumed: what is left is a clean end, or an incomplete last record.
    if (this.phase === PHASE_STOPPED) {
      this.carryLen = 0;
      return;
    }
    this.consumed += pos;
    this.shiftCarry(pos);
  }

  /**
   * Whether records make sense again at bytes[p]: an event record whose id names an event (see
   * knownId; or the dropped-events id) with a valid length, or a mapping record with an identifier for a
   * name, or a v4 header; followed by the type word of another record (or, `final`, by the end
   * of the input). Random or shifted bytes pass this by accident about never: the type word alone
   * is 64 bits that must be 0, 1 or all ones.
   */
  private chainAt(b: Uint8Array, dv: DataView, p: number, end: number, final: boolean): number {
    const le = this.le;
    const avail = end - p;
    const need = (n: number): number => {
      if (final) return CHAIN_NO;
      this.chainNeed = n;
      return CHAIN_NEED;
    };
    if (avail < 8) return need(8);
    const typeLo = dv.getUint32(p + (le ? 0 : 4), le);
    const typeHi = dv.getUint32(p + (le ? 4 : 0), le);
    let next: number;
    if (typeHi === 0 && typeLo === 1) {
      if (avail < 32) return need(32);
      const idLo = dv.getUint32(p + (le ? 8 : 12), le);
      const idHi = dv.getUint32(p + (le ? 12 : 8), le);
      const len = dv.getUint32(p + 24, le);
      if (len < 24 || len > MAX_RECORD_LENGTH) return CHAIN_NO;
      const dropped = idHi === DROPPED_HI && idLo === DROPPED_LO;
      if (!dropped && !this.knownId(idHi, idLo)) return CHAIN_NO;
      next = p + 8 + len;
    } else if (typeHi === 0 && typeLo === 0) {
      if (avail < 20) return need(20);
      const n = dv.getUint32(p + 16, le);
      if (n === 0 || n > 1024) return CHAIN_NO;
      if (avail < 20 + n) return need(20 + n);
      for (let k = p + 20; k < p + 20 + n; k++) {
        const c = b[k];
        if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return CHAIN_NO;
      }
      next = p + 20 + n;
    } else if (typeHi === 0xffffffff && typeLo === 0xffffffff) {
      if (avail < HEADER_BYTES) return need(HEADER_BYTES);
      return this.isHeader(b, p) ? CHAIN_OK : CHAIN_NO;
    } else return CHAIN_NO;
    if (next === end && final) return CHAIN_OK;
    if (end - next < 8) return need(next - p + 8);
    const nLo = dv.getUint32(next + (le ? 0 : 4), le);
    const nHi = dv.getUint32(next + (le ? 4 : 0), le);
    return (nHi === 0 && nLo <= 1) || (nHi === 0xffffffff && nLo === 0xffffffff) ? CHAIN_OK : CHAIN_NO;
  }

  /** An id that names an event: by a mapping record, or (headerless streams) by catalogue position. */
  private knownId(idHi: number, idLo: number): boolean {
    if (this.names.has(idKey(idHi, idLo))) return true;
    return this.positional !== null && idHi === 0 && idLo < this.positional.length;
  }

  /** Sets up after the header; false (and stopped) for versions we do not decode. */
  private start(version: number, le: boolean, headerless: boolean, at: number): boolean {
    this.version = version;
    this.le = le;
    this.headerless = headerless;
    this.args = new PayloadDecoder(le);
    if (version === 0) {
      this.fail(at, 'simpletrace v0 (QEMU 0.13 to 1.1, fixed 64-byte records) is not supported');
      return false;
    }
    this.typed = version === 4;
    if (version === 2 || version === 3 || headerless) this.positional = positionalEvents(this.catalogue, version === 2);
    this.phase = PHASE_RECORDS;
    return true;
  }

  private mappingRecord(bytes: Uint8Array, dv: DataView, pos: number, n: number): void {
    const le = this.le;
    const lo = dv.getUint32(pos + (le ? 8 : 12), le);
    const hi = dv.getUint32(pos + (le ? 12 : 8), le);
    const name = nameDecoder.decode(bytes.subarray(pos + 20, pos + 20 + n));
    const key = idKey(hi, lo);
    this.names.set(key, name);
    // A later mapping for the same id wins: forget the plan built from the old name.
    if (typeof key === 'number' && key < DENSE_IDS) this.densePlans[key] = undefined;
    else this.sparsePlans.delete(key);
    this.mappings++;
  }

  /** One event record: header at hdr (id, ts, length, pid), payload up to end. */
  private eventRecord(bytes: Uint8Array, dv: DataView, buf: Buffer, hdr: number, end: number, offset: number, sink: RecordSink): void {
    const le = this.le;
    const idLo = dv.getUint32(hdr + (le ? 0 : 4), le);
    const idHi = dv.getUint32(hdr + (le ? 4 : 0), le);
    const rawPid = dv.getUint32(hdr + 20, le);
    // v2's field was reserved and always zero, so it tells nothing about the process.
    const pid = this.version === 2 && rawPid === 0 ? null : rawPid;
    const seq = this.seq++;
    const start = hdr + 24;
    const tsHi = dv.getUint32(hdr + (le ? 12 : 8), le);
    if (tsHi >= 0x80000000) {
      // ts_ns is a BIGINT: a time at or past 2^63 ns would wrap. Only a damaged record has one.
      const tsLo = dv.getUint32(hdr + (le ? 8 : 12), le);
      const name = this.names.get(idKey(idHi, idLo)) ?? null;
      sink.unparsed({ seq, offset, line: null, tsNs: null, tid: null, pid, name, reason: `timestamp ${hexU64(tsHi, tsLo)} ns is past what ts_ns (BIGINT) holds`, raw: buf.toString('hex', hdr, end) });
      return;
    }
    if (idHi === DROPPED_HI && idLo === DROPPED_LO) {
      const tsNs = dv.getBigUint64(hdr + 8, le);
      if (end - start === 8) {
        sink.dropped({ seq, offset, tsNs, pid, count: dv.getBigUint64(start, le) });
      } else {
        sink.unparsed({ seq, offset, line: null, tsNs, tid: null, pid, name: null, reason: `malformed dropped-events record: payload is ${end - start} bytes, expected 8`, raw: buf.toString('hex', start, end) });
      }
      return;
    }
    let plan = idHi === 0 && idLo < DENSE_IDS ? this.densePlans[idLo] : this.sparsePlans.get(idKey(idHi, idLo));
    if (plan === undefined) plan = this.resolve(idHi, idLo);
    if (plan.spec !== null) {
      if (plan.rowsSink !== sink) {
        plan.rowsSink = sink;
        plan.rows = isColumnarSink(sink) ? sink.eventRows(plan.spec) : null;
      }
      const rows = plan.rows;
      if (rows !== null) {
        if (this.args.decodeInto(plan, rows, dv, bytes, buf, start, end)) {
          rows.commit(seq, dv.getUint32(hdr + (le ? 8 : 12), le), dv.getUint32(hdr + (le ? 12 : 8), le), null, pid);
          if (this.args.lossyN > 0) this.keepLossy(plan.spec, seq, bytes, sink);
          return;
        }
        rows.discard();
      } else {
        const args = this.args.decode(plan, dv, bytes, buf, start, end);
        if (args !== null) {
          sink.event({ seq, offset, line: null, tsNs: dv.getBigUint64(hdr + 8, le), tid: null, pid, event: plan.spec, args });
          if (this.args.lossyN > 0) this.keepLossy(plan.spec, seq, bytes, sink);
          return;
        }
      }
      sink.unparsed({ seq, offset, line: null, tsNs: dv.getBigUint64(hdr + 8, le), tid: null, pid, name: plan.name, reason: this.args.failure, raw: buf.toString('hex', start, end) });
      return;
    }
    sink.unparsed({ seq, offset, line: null, tsNs: dv.getBigUint64(hdr + 8, le), tid: null, pid, name: plan.name, reason: plan.reason, raw: buf.toString('hex', start, end) });
  }

  /** The exact bytes of the string arguments the last decode could only read lossily. */
  private keepLossy(spec: EventSpec, seq: number, bytes: Uint8Array, sink: RecordSink): void {
    const a = this.args;
    for (let k = 0; k < a.lossyN; k++) {
      const [arg, start, end] = a.lossy.slice(3 * k, 3 * k + 3);
      sink.lossy?.({ seq, line: null, name: spec.name, arg: spec.args[arg].name, raw: bytes.slice(start, end) });
    }
  }

  private resolve(idHi: number, idLo: number): DecodePlan {
    const key = idKey(idHi, idLo);
    const idText = idHi === 0 ? String(idLo) : hexU64(idHi, idLo);
    let plan: DecodePlan;
    const mapped = this.names.get(key);
    if (mapped !== undefined) {
      const spec = this.catalogue.get(mapped);
      plan = spec ? planFor(spec) : untypedPlan(mapped, `event ${mapped} (id ${idText}) is not in catalogue ${this.catalogue.name}`);
    } else if (this.positional !== null) {
      const spec = idHi === 0 ? this.positional[idLo] : undefined;
      plan =
        spec === undefined
          ? untypedPlan(null, `event id ${idText} is beyond the ${this.positional.length} positional events of catalogue ${this.catalogue.name}`)
          : 'args' in spec
            ? planFor(spec)
            : untypedPlan(spec.name, `event id ${idText} is ${spec.file} line ${spec.line}, which could not be read: ${spec.reason}`);
    } else {
      plan = untypedPlan(null, `unknown event id ${idText}: no mapping record names it`);
    }
    if (typeof key === 'number' && key < DENSE_IDS) this.densePlans[key] = plan;
    else this.sparsePlans.set(key, plan);
    return plan;
  }

  private appendCarry(src: Uint8Array, from: number, n: number): void {
    if (this.carryLen + n > this.carry.bytes.length) {
      let size = this.carry.bytes.length * 2;
      while (size < this.carryLen + n) size *= 2;
      const next = carryOf(size);
      next.bytes.set(this.carry.bytes.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.bytes.set(src.subarray(from, from + n), this.carryLen);
    this.carryLen += n;
  }

  private shiftCarry(by: number): void {
    this.carry.bytes.copyWithin(0, by, this.carryLen);
    this.carryLen -= by;
  }

  /** Where the input ended inside the incomplete record held in the carry. */
  private truncation(): string {
    const n = this.carryLen;
    if (this.phase === PHASE_HEAD) return `truncated header (${n} bytes; a simpletrace header is 24)`;
    const c = this.carry;
    const le = this.le;
    if (!this.typed) {
      return n < 24 ? `truncated record (${n} of 24 bytes of an event header)` : `truncated record (${n} of ${this.need} bytes of an event)`;
    }
    if (n < 8) return `truncated record (${n} of 8 bytes of a type word)`;
    if (c.dv.getUint32(le ? 0 : 4, le) === 0) {
      return n < 20 ? `truncated record (${n} of 20 bytes of a mapping header)` : `truncated record (${n} of ${this.need} bytes of a mapping)`;
    }
    return n < 32 ? `truncated record (${n} of 32 bytes of an event header)` : `truncated record (${n} of ${this.need} bytes of an event)`;
  }

  private fail(at: number, reason: string): void {
    this.error = new TraceFormatError(this.file, `offset ${at}`, reason).message;
    this.phase = PHASE_STOPPED;
  }
}
