// The hot case of the log dialect, `TID@SEC.USEC:name msg`, read from the line's bytes instead of
// its string. A line is a slice of a chunk-sized string, and each charCodeAt on a slice dispatches
// on the string's representation; the prefix and name are ~50 such reads per line, and the name
// then had to be sliced and hashed again for the catalogue lookup. Here they are plain byte loads,
// and names are interned by their bytes, so the lookup is an array index.
// Accepts exactly what parseLogLine's `TID@SEC.USEC:` branch accepts; anything else is left to it.
import { epochNs } from './scan.ts';

const AT = 64;
const DOT = 46;
const COLON = 58;
const SPACE = 32;

/** Distinct names interned; past this, lines go the string way (a flood of foreign names). */
const MAX_NAMES = 1 << 16;

function isNameByte(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * Event names by their bytes: a name's id is its index in `names`. Open addressing over a
 * power-of-two table of ids; the names' bytes are kept in one pool for comparison.
 */
class NameIds {
  readonly names: string[] = [];
  private slots = new Int32Array(1024).fill(-1);
  private hashes: number[] = [];
  private starts: number[] = [];
  private pool = new Uint8Array(16384);
  private poolLen = 0;

  /** Id of the name bytes[start, end) whose hash is `h` (see nameHash), interning it if new; -1 when the table is full. */
  id(bytes: Buffer, start: number, end: number, h: number): number {
    const len = end - start;
    const slots = this.slots;
    const mask = slots.length - 1;
    let s = h & mask;
    for (;;) {
      const id = slots[s];
      if (id < 0) break;
      if (this.hashes[id] === h && this.names[id].length === len && this.same(id, bytes, start, len)) return id;
      s = (s + 1) & mask;
    }
    if (this.names.length >= MAX_NAMES) return -1;
    const id = this.names.length;
    // A fresh flat string: a slice of the line would keep the whole input chunk alive.
    this.names.push(bytes.toString('latin1', start, end));
    this.hashes.push(h);
    this.starts.push(this.store(bytes, start, len));
    slots[s] = id;
    if (this.names.length * 2 > slots.length) this.grow();
    return id;
  }

  private same(id: number, bytes: Uint8Array, start: number, len: number): boolean {
    const pool = this.pool;
    const p = this.starts[id];
    for (let k = 0; k < len; k++) if (pool[p + k] !== bytes[start + k]) return false;
    return true;
  }

  private store(bytes: Uint8Array, start: number, len: number): number {
    if (this.poolLen + len > this.pool.length) {
      const next = new Uint8Array(Math.max(this.pool.length * 2, this.poolLen + len));
      next.set(this.pool.subarray(0, this.poolLen));
      this.pool = next;
    }
    const at = this.poolLen;
    this.pool.set(bytes.subarray(start, start + len), at);
    this.poolLen += len;
    return at;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    for (let id = 0; id < this.names.length; id++) {
      let s = this.hashes[id] & (size - 1);
      while (slots[s] >= 0) s = (s + 1) & (size - 1);
      slots[s] = id;
    }
    this.slots = slots;
  }
}

const TWO_32 = 4294967296;

/** Result fields of the last successful `parse` (reused: one parse per line). */
export class LogBytesParser {
  private readonly ids = new NameIds();
  /** The timestamp in ns as the 32-bit halves of a u64 (no BigInt per line). */
  tsLo = 0;
  tsHi = 0;
  tid = 0;
  /** Interned name id, and the byte index where the message starts (== end: empty message). */
  nameId = 0;
  msgStart = 0;

  /** The name of an id returned in `nameId`. */
  name(id: number): string {
    return this.ids.names[id];
  }

  /** Parses bytes[start, end) (one line, no '\n'); false when it is not a `TID@SEC.USEC:name` line. */
  parse(b: Buffer, start: number, end: number): boolean {
    let i = start;
    let c = 0;
    let tid = 0;
    for (; i < end; i++) {
      c = b[i];
      if (c < 48 || c > 57) break;
      tid = tid * 10 + (c - 48);
    }
    if (i === start || i - start > 15 || i >= end || c !== AT) return false;
    const secStart = ++i;
    let sec = 0;
    for (; i < end; i++) {
      c = b[i];
      if (c < 48 || c > 57) break;
      sec = sec * 10 + (c - 48);
    }
    if (i === secStart || i - secStart > 15 || i >= end || c !== DOT) return false;
    const usecStart = ++i;
    let usec = 0;
    for (; i < end; i++) {
      c = b[i];
      if (c < 48 || c > 57) break;
      usec = usec * 10 + (c - 48);
    }
    if (i - usecStart !== 6 || i >= end || c !== COLON) return false;
    const nameStart = ++i;
    // The name's hash (for NameIds) is taken while it is scanned.
    let h = 0;
    for (; i < end; i++) {
      c = b[i];
      if (!isNameByte(c)) break;
      h = (Math.imul(h, 31) + c) | 0;
    }
    if (i === nameStart || (i < end && c !== SPACE)) return false;
    const id = this.ids.id(b, nameStart, i, h);
    if (id < 0) return false;
    this.nameId = id;
    this.msgStart = i < end ? i + 1 : end;
    this.tid = tid;
    if (sec < 9_000_000_000) {
      // Exact in doubles: µs < 2^53, and each half times 1000 stays below 2^53 too.
      const us = sec * 1_000_000 + usec;
      const usHi = Math.floor(us / TWO_32);
      const lo = (us - usHi * TWO_32) * 1000;
      const carry = Math.floor(lo / TWO_32);
      this.tsLo = lo - carry * TWO_32;
      this.tsHi = usHi * 1000 + carry;
    } else {
      const ns = BigInt.asUintN(64, epochNs(sec, usec * 1000));
      this.tsLo = Number(ns & 0xffffffffn);
      this.tsHi = Number(ns >> 32n);
    }
    return true;
  }

  /** The last timestamp as a BigInt (for the record path). */
  get tsNs(): bigint {
    return (BigInt(this.tsHi) << 32n) | BigInt(this.tsLo);
  }
}
