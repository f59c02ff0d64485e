// The hot cases of the log dialect, `TID@SEC.USEC:name msg` and (10.1+) `YYYY-MM-DDTHH:MM:SS.fZ
// name msg`, read from the line's bytes instead of its string. A line is a slice of a chunk-sized string, and each charCodeAt on a slice dispatches
// on the string's representation; the prefix and name are ~50 such reads per line, and the name
// then had to be sliced and hashed again for the catalogue lookup. Here they are plain byte loads,
// and names are interned by their bytes, so the lookup is an array index.
// Accepts exactly what parseLogLine's `TID@SEC.USEC:` and 10.1+ ISO-8601 branches accept; anything
// else is left to it.
import { epochNs, fitsTsNs, utcSeconds, validDateTime } from './scan.ts';

const AT = 64;
const DOT = 46;
const COLON = 58;
const SPACE = 32;
const DASH = 45;
const T = 84;
const Z = 90;

/** Distinct names interned; past this, lines go the string way (a flood of foreign names). */
const MAX_NAMES = 1 << 16;

/** 1 for the bytes of an event name ([A-Za-z0-9_]); a table load beats four range tests. */
const NAME_BYTE = new Uint8Array(256);
for (let c = 0; c < 256; c++) NAME_BYTE[c] = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ? 1 : 0;

/**
 * Event names by their bytes: a name's id is its index in `names`. Open addressing over a
 * power-of-two table of ids; the names' bytes are kept in one pool for comparison.
 */
class NameIds {
  readonly names: string[] = [];
  private slots = new Int32Array(1024).fill(-1);
  private hashes: number[] = [];
  private starts: number[] = [];
  /** The bytes of every name, for comparison (read by LogBytesParser's last-name check too). */
  pool = new Uint8Array(16384);
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

  /** Where the bytes of name `id` are in `pool` (a grown pool keeps them where they were). */
  start(id: number): number {
    return this.starts[id];
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
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

/** Value of exactly n digits at b[i…], or -1 when one of them is not a digit. */
function fixed(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = b[i + k];
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** Result fields of the last successful `parse` (reused: one parse per line). */
export class LogBytesParser {
  private readonly ids = new NameIds();
  /** The timestamp in ns as the 32-bit halves of its 64-bit two's complement (no BigInt per line). */
  tsLo = 0;
  tsHi = 0;
  /** The thread id (TID@ lines), or null (10.1+ ISO-8601 lines, which carry none). */
  tid: number | null = 0;
  style: 'tid@sec.usec' | 'iso8601' = 'tid@sec.usec';
  /** Interned name id, and the byte index where the message starts (== end: empty message). */
  nameId = 0;
  msgStart = 0;

  /** The name of an id returned in `nameId`. */
  name(id: number): string {
    return this.ids.names[id];
  }

  /**
   * Parses bytes[start, end) (one line, no '\n'); false when it is neither `TID@SEC.USEC:name`
   * nor `YYYY-MM-DDTHH:MM:SS[.f]Z name` (parseLogLine's two prefixes; it decides the rest).
   */
  parse(b: Buffer, start: number, end: number): boolean {
    return this.tidPrefix(b, start, end) || (end - start > 21 && b[start + 10] === T && this.isoPrefix(b, start, end));
  }

  private tidPrefix(b: Buffer, start: number, end: number): boolean {
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
    if (i - usecStart !== 6 || i >= end || c !== COLON || !fitsTsNs(sec, usec * 1000)) return false;
    if (!this.nameAt(b, i + 1, end)) return false;
    this.tid = tid;
    this.style = 'tid@sec.usec';
    this.timestamp(sec, usec * 1000);
    return true;
  }

  /** `YYYY-MM-DDTHH:MM` of the last valid ISO line, and its UTC seconds: a log's lines share minutes. */
  private readonly minute = new Uint8Array(16);
  private minuteSet = false;
  private minuteEpoch = 0;

  private sameMinute(b: Buffer, start: number): boolean {
    if (!this.minuteSet) return false;
    const m = this.minute;
    // Back to front: the minute digits differ first.
    for (let k = 15; k >= 0; k--) if (b[start + k] !== m[k]) return false;
    return true;
  }

  private isoPrefix(b: Buffer, start: number, end: number): boolean {
    if (b[start + 16] !== COLON) return false;
    const sec = fixed(b, start + 17, 2);
    if (sec < 0 || sec > 60) return false;
    let epoch: number;
    if (this.sameMinute(b, start)) epoch = this.minuteEpoch + sec;
    else {
      if (b[start + 4] !== DASH || b[start + 7] !== DASH || b[start + 13] !== COLON) return false;
      const y = fixed(b, start, 4);
      const mo = fixed(b, start + 5, 2);
      const d = fixed(b, start + 8, 2);
      const h = fixed(b, start + 11, 2);
      const mi = fixed(b, start + 14, 2);
      if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || !validDateTime(y, mo, d, h, mi, sec)) return false;
      this.minuteEpoch = utcSeconds(y, mo, d, h, mi, 0);
      this.minute.set(b.subarray(start, start + 16));
      this.minuteSet = true;
      epoch = this.minuteEpoch + sec;
    }
    // Like dateTimeSeconds, whose -1 means malformed: nothing before 1970.
    if (epoch < 0) return false;
    let i = start + 19;
    let ns = 0;
    if (b[i] === DOT) {
      const f = ++i;
      while (i < end && b[i] >= 48 && b[i] <= 57) i++;
      const n = i - f;
      if (n === 0 || n > 9) return false;
      ns = fixed(b, f, n) * POW10[9 - n];
    }
    if (i + 1 >= end || b[i] !== Z || b[i + 1] !== SPACE || !fitsTsNs(epoch, ns)) return false;
    if (!this.nameAt(b, i + 2, end)) return false;
    this.tid = null;
    this.style = 'iso8601';
    this.timestamp(epoch, ns);
    return true;
  }

  /** The last name read (its id, and its bytes at `lastPool` in the pool): a log's lines come in runs of one event. */
  private lastId = -1;
  private lastLen = 0;
  private lastPool = 0;

  /** The event name at b[i…): a name-character run that ends the line or is followed by a space. */
  private nameAt(b: Buffer, nameStart: number, end: number): boolean {
    // The last line's name again (its bytes, then a space or the line's end): the same run, so
    // the same id, without hashing it or probing the table.
    const len = this.lastLen;
    const after = nameStart + len;
    if (this.lastId >= 0 && after <= end && (after === end || b[after] === SPACE)) {
      const pool = this.ids.pool;
      const p = this.lastPool;
      let k = 0;
      while (k < len && b[nameStart + k] === pool[p + k]) k++;
      if (k === len) {
        this.nameId = this.lastId;
        this.msgStart = after < end ? after + 1 : end;
        return true;
      }
    }
    let i = nameStart;
    let c = 0;
    // The name's hash (for NameIds) is taken while it is scanned.
    let h = 0;
    for (; i < end; i++) {
      c = b[i];
      if (NAME_BYTE[c] === 0) break;
      h = (Math.imul(h, 31) + c) | 0;
    }
    if (i === nameStart || (i < end && c !== SPACE)) return false;
    const id = this.ids.id(b, nameStart, i, h);
    if (id < 0) return false;
    this.lastId = id;
    this.lastLen = i - nameStart;
    this.lastPool = this.ids.start(id);
    this.nameId = id;
    this.msgStart = i < end ? i + 1 : end;
    return true;
  }

  private timestamp(sec: number, ns: number): void {
    if (sec >= 0 && sec < 9_000_000_000) {
      // Exact in doubles: µs < 2^53, and each half times 1000 stays below 2^53 too.
      const us = sec * 1_000_000 + Math.floor(ns / 1000);
      const usHi = Math.floor(us / TWO_32);
      const lo = (us - usHi * TWO_32) * 1000 + (ns % 1000);
      const carry = Math.floor(lo / TWO_32);
      this.tsLo = lo - carry * TWO_32;
      this.tsHi = usHi * 1000 + carry;
    } else {
      const v = BigInt.asUintN(64, epochNs(sec, ns));
      this.tsLo = Number(v & 0xffffffffn);
      this.tsHi = Number(v >> 32n);
    }
  }

  /** The last timestamp as a BigInt (for the record path). */
  get tsNs(): bigint {
    return BigInt.asIntN(64, (BigInt(this.tsHi) << 32n) | BigInt(this.tsLo));
  }
}
