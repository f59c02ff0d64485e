// Streaming push decoder for QEMU simpletrace files (qemu-trace-formats.md §2, §6 items 1–18).
// Input arrives in arbitrary chunks; a record that spans chunks is completed in a small carry
// buffer (only the partial tail is copied), everything else is parsed in place, so memory stays
// bounded by the largest record whatever the file size.
import type { Catalogue, EventSpec } from '../catalogue/types.ts';
import { isColumnarSink, TraceFormatError } from './types.ts';
import type { RecordSink } from './types.ts';
import { hexU64, PayloadDecoder, planFor, untypedPlan } from './simpletrace-args.ts';
import type { DecodePlan } from './simpletrace-args.ts';
import { classifyHead, MAX_MAPPING_NAME, MAX_RECORD_LENGTH } from './simpletrace-header.ts';

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

const DROPPED_HI = 0xffffffff;
const DROPPED_LO = 0xfffffffe;
/** Ids below this are cached in a dense array; QEMU's are small u32s counted from 0. */
const DENSE_IDS = 1 << 20;
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
  private positional: readonly EventSpec[] | null = null;

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

  private readonly names = new Map<number, string>();
  private readonly densePlans: (DecodePlan | undefined)[] = [];
  private readonly sparsePlans = new Map<number, DecodePlan>();

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
    void sink;
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
            this.fail(base + pos, `corrupt event record: length ${len} (must be 24 to ${MAX_RECORD_LENGTH})`);
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
            this.fail(base + pos, `corrupt mapping record: name length ${n} (must be at most ${MAX_MAPPING_NAME})`);
            break;
          }
          if (avail < 20 + n) {
            this.need = 20 + n;
            break;
          }
          this.mappingRecord(bytes, dv, pos, n);
          pos += 20 + n;
        } else {
          this.fail(base + pos, `corrupt stream: record type word ${hexU64(typeHi, typeLo)} is neither 0 (mapping) nor 1 (event)`);
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
          this.fail(base + pos, `corrupt event record: length ${len} (must be 24 to ${MAX_RECORD_LENGTH})`);
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
    if (this.phase !== PHASE_STOPPED) this.consumed = base + pos;
    return pos;
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
    if (version === 2) this.positional = this.catalogue.events.filter((e) => !e.disabled);
    else if (version === 3 || headerless) this.positional = this.catalogue.events;
    this.phase = PHASE_RECORDS;
    return true;
  }

  private mappingRecord(bytes: Uint8Array, dv: DataView, pos: number, n: number): void {
    const le = this.le;
    const lo = dv.getUint32(pos + (le ? 8 : 12), le);
    const hi = dv.getUint32(pos + (le ? 12 : 8), le);
    const name = nameDecoder.decode(bytes.subarray(pos + 20, pos + 20 + n));
    const key = hi * 0x100000000 + lo;
    this.names.set(key, name);
    // A later mapping for the same id wins: forget the plan built from the old name.
    if (key < DENSE_IDS) this.densePlans[key] = undefined;
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
    if (idHi === DROPPED_HI && idLo === DROPPED_LO) {
      const tsNs = dv.getBigUint64(hdr + 8, le);
      if (end - start === 8) {
        sink.dropped({ seq, offset, tsNs, pid, count: dv.getBigUint64(start, le) });
      } else {
        sink.unparsed({ seq, offset, line: null, tsNs, tid: null, pid, name: null, reason: `malformed dropped-events record: payload is ${end - start} bytes, expected 8`, raw: buf.toString('hex', start, end) });
      }
      return;
    }
    let plan = idHi === 0 && idLo < DENSE_IDS ? this.densePlans[idLo] : this.sparsePlans.get(idHi * 0x100000000 + idLo);
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
          return;
        }
        rows.discard();
      } else {
        const args = this.args.decode(plan, dv, bytes, buf, start, end);
        if (args !== null) {
          sink.event({ seq, offset, line: null, tsNs: dv.getBigUint64(hdr + 8, le), tid: null, pid, event: plan.spec, args });
          return;
        }
      }
      sink.unparsed({ seq, offset, line: null, tsNs: dv.getBigUint64(hdr + 8, le), tid: null, pid, name: plan.name, reason: this.args.failure, raw: buf.toString('hex', start, end) });
      return;
    }
    sink.unparsed({ seq, offset, line: null, tsNs: dv.getBigUint64(hdr + 8, le), tid: null, pid, name: plan.name, reason: plan.reason, raw: buf.toString('hex', start, end) });
  }

  private resolve(idHi: number, idLo: number): DecodePlan {
    const key = idHi * 0x100000000 + idLo;
    const idText = idHi === 0 ? String(idLo) : hexU64(idHi, idLo);
    let plan: DecodePlan;
    const mapped = this.names.get(key);
    if (mapped !== undefined) {
      const spec = this.catalogue.get(mapped);
      plan = spec ? planFor(spec) : untypedPlan(mapped, `event ${mapped} (id ${idText}) is not in catalogue ${this.catalogue.name}`);
    } else if (this.positional !== null) {
      const spec = idHi === 0 ? this.positional[idLo] : undefined;
      plan = spec
        ? planFor(spec)
        : untypedPlan(null, `event id ${idText} is beyond the ${this.positional.length} positional events of catalogue ${this.catalogue.name}`);
    } else {
      plan = untypedPlan(null, `unknown event id ${idText}: no mapping record names it`);
    }
    if (key < DENSE_IDS) this.densePlans[key] = plan;
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
