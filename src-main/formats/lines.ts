// Splits a byte stream into text lines for the text dialects, keeping each line's 1-based number
// and the byte offset of its first byte so that unparsed rows can point back into the input.
//
// Decisions worth knowing:
// - Only '\n' ends a line. A '\r' directly before a '\n' is removed too (CRLF files written by
//   Windows tools or copied through them); no QEMU message ends in '\r', so nothing a parser
//   needs is lost, and offsets still count the '\r'. A lone '\r' elsewhere, including at the end
//   of a final line that has no '\n', is kept. `keepCr: true` keeps every '\r'.
// - A UTF-8 byte order mark at the very start of the stream is skipped (offsets still count it).
// - A final line without '\n' is still emitted; an empty input emits nothing; "\n" is one empty
//   line.
// - Decoding is lossy UTF-8 (invalid sequences become U+FFFD, NUL bytes are kept) and the callback
//   is told when that happened, with a copy of the line's raw bytes to keep.
// - A line longer than `maxLineBytes` (MAX_LINE_BYTES, 1 MiB) is emitted once, after its end, as
//   its first `headBytes` (4 KiB) with its full length: the rest is counted, never buffered, so
//   a gigabyte of NUL bytes without a newline (what a log holds where the host crashed) costs no
//   memory. When such a line holds NUL bytes and what follows its last NUL is short enough, that
//   tail is emitted as a line of its own (same line number, its own offset): the record QEMU
//   wrote after the crash, glued to the NUL run.
//
// Speed: lines are found by Buffer/String indexOf, and a chunk whose complete lines are all ASCII
// (the usual case; checked once per chunk by simdutf) is decoded as one latin1 string and sliced,
// so there is no per-line Buffer allocation or per-byte JavaScript loop.
import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Receives one line. `longBytes` is 0 for a whole line; for a line over the cap it is the line's
 * length in bytes and `text` is only its head. `raw`, given only when the text was not valid
 * UTF-8, holds its exact bytes (a copy the receiver may keep).
 */
export type OnLine = (
  text: string,
  lineNo: number,
  offset: number,
  hadInvalidUtf8: boolean,
  longBytes: number,
  raw?: Uint8Array,
) => void;

/**
 * Receives one line of an all-ASCII run: the line is s[start, end), and also bytes[byteStart,
 * byteStart + end - start), for callers that would rather read bytes than a sliced string. A
 * line that holds a NUL byte (damage: QEMU never prints one) goes to OnLine instead, so that
 * byte-level readers need not look for NULs.
 */
export type OnAsciiLine = (s: string, start: number, end: number, bytes: Buffer, byteStart: number, lineNo: number, offset: number) => void;

export interface LineSplitterOptions {
  /** Longest line kept whole, in bytes; of a longer line only its head is kept. Default MAX_LINE_BYTES. */
  readonly maxLineBytes?: number;
  /** How much of an over-long line is kept. Default LONG_LINE_HEAD. */
  readonly headBytes?: number;
  /** Keep a '\r' that precedes '\n' (default false: it is removed). */
  readonly keepCr?: boolean;
  /** Stream offset of the first byte pushed (a segment of a larger input). Default 0. */
  readonly startOffset?: number;
}

/**
 * The line cap. No QEMU trace line comes near it (the longest messages, hex dumps of a %s, are a
 * few KiB); a longer line is damage, and buffering it whole is how one bad line ate gigabytes.
 */
export const MAX_LINE_BYTES = 1 << 20;
/** The head of an over-long line kept for `unparsed` (as much as a skipped simpletrace region). */
export const LONG_LINE_HEAD = 4096;

const NL = 10;
const CR = 13;
/** Below V8's largest regular object (128 KiB), with room to spare. */
const ASCII_PIECE = 64 << 10;
const REPLACEMENT = '\uFFFD';

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export class LineSplitter {
  private readonly maxLine: number;
  private readonly headBytes: number;
  private readonly keepCr: boolean;
  /** Copies of the bytes of the unfinished current line (callers may reuse their chunk buffers). */
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Stream offset of the first carried byte. */
  private carryStart = 0;
  /** The current line is over the cap: it is counted, not carried. */
  private inLongLine = false;
  private longHead: Buffer = EMPTY;
  private longLen = 0;
  private longStart = 0;
  /** The last byte counted was '\r' (removed from the length if '\n' follows). */
  private longLastCr = false;
  /** The bytes after the last NUL of the long line (null: none yet, or too many). */
  private tail: Buffer[] | null = null;
  private tailLen = 0;
  private tailStart = 0;
  /** Stream offset of the next chunk's first byte. */
  private base = 0;
  private nextLineNo = 1;

  constructor(options: LineSplitterOptions = {}) {
    const max = options.maxLineBytes ?? MAX_LINE_BYTES;
    // A line must be able to hold one whole UTF-8 character.
    this.maxLine = Math.max(4, Math.floor(max));
    this.headBytes = Math.max(4, Math.floor(options.headBytes ?? LONG_LINE_HEAD));
    this.keepCr = options.keepCr === true;
    this.base = options.startOffset ?? 0;
  }

  /** Bytes consumed so far. */
  get bytes(): number {
    return this.base;
  }

  /** Lines completely emitted so far. */
  get lines(): number {
    return this.nextLineNo - 1;
  }

  /** `onAscii`, when given, receives the lines of all-ASCII runs instead of `onLine`. */
  push(chunk: Uint8Array, onLine: OnLine, onAscii?: OnAsciiLine): void {
    const buf = asBuffer(chunk);
    const n = buf.length;
    if (n === 0) return;
    const base = this.base;
    this.base = base + n;
    let pos = 0;
    // A UTF-8 byte order mark (a log saved by a Windows editor) is not part of the first line.
    if (base === 0 && n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;

    if (this.inLongLine) {
      const nl = buf.indexOf(NL);
      this.countLong(buf, 0, nl < 0 ? n : nl, base);
      if (nl < 0) return;
      this.finishLong(true, this.nextLineNo++, onLine);
      pos = nl + 1;
    } else if (this.carryLen > 0) {
      const nl = buf.indexOf(NL);
      if (nl < 0) {
        this.appendCarry(buf, 0, n);
        return;
      }
      this.finishCarried(buf, nl, onLine);
      pos = nl + 1;
    }

    const lastNl = pos < n ? buf.lastIndexOf(NL) : -1;
    if (lastNl >= pos) {
      // Complete lines occupy [pos, lastNl]; the final '\n' is left out of the decoded range.
      if (lastNl === pos || isAscii(buf.subarray(pos, lastNl))) {
        // In pieces of at most ASCII_PIECE bytes (cut after a '\n'), so that each piece's string
        // stays in V8's young generation: a chunk-sized string would go to the large-object
        // space, freed only by full collections, which a worker that allocates little may run
        // rarely (hundreds of MB of dead chunks).
        let from = pos;
        while (lastNl - from > ASCII_PIECE) {
          const cut = buf.lastIndexOf(NL, from + ASCII_PIECE);
          if (cut <= from) {
            // A line longer than a piece: read from the bytes, never as one big string.
            const nl = buf.indexOf(NL, from + ASCII_PIECE);
            this.emitUtf8Range(buf, from, nl, base, onLine);
            from = nl + 1;
            continue;
          }
          this.emitAsciiRange(buf, from, cut, base, onLine, onAscii);
          from = cut + 1;
        }
        if (from <= lastNl) this.emitAsciiRange(buf, from, lastNl, base, onLine, onAscii);
      } else {
        this.emitUtf8Range(buf, pos, lastNl, base, onLine);
      }
      pos = lastNl + 1;
    }
    if (pos < n) {
      this.carryStart = base + pos;
      this.appendCarry(buf, pos, n);
    }
  }

  /** Emits the final line if the input did not end with '\n'. */
  end(onLine: OnLine): void {
    if (this.inLongLine) {
      this.finishLong(false, this.nextLineNo++, onLine);
      return;
    }
    if (this.carryLen === 0) return;
    const line = this.takeCarry();
    this.emitBytes(line, 0, line.length, this.nextLineNo++, this.carryStart, onLine);
  }

  private emitAsciiRange(buf: Buffer, start: number, end: number, base: number, onLine: OnLine, onAscii: OnAsciiLine | undefined): void {
    const s = buf.toString('latin1', start, end);
    const len = s.length;
    const keepCr = this.keepCr;
    const max = this.maxLine;
    // The next NUL byte: a line holding one takes the string way (see OnAsciiLine). One search
    // per piece, as a log has none but where it was damaged.
    let nul = onAscii === undefined ? -1 : s.indexOf('\0');
    let i = 0;
    for (;;) {
      let j = s.indexOf('\n', i);
      if (j < 0) j = len;
      let e = j;
      if (!keepCr && e > i && s.charCodeAt(e - 1) === CR) e--;
      if (e - i > max) {
        this.emitBytes(buf, start + i, start + e, this.nextLineNo++, base + start + i, onLine);
      } else if (onAscii !== undefined && (nul < 0 || nul >= e)) {
        onAscii(s, i, e, buf, start + i, this.nextLineNo++, base + start + i);
      } else {
        onLine(s.slice(i, e), this.nextLineNo++, base + start + i, false, 0);
      }
      if (j >= len) return;
      i = j + 1;
      if (nul >= 0 && nul < i) nul = s.indexOf('\0', i);
    }
  }

  private emitUtf8Range(buf: Buffer, start: number, end: number, base: number, onLine: OnLine): void {
    const keepCr = this.keepCr;
    let i = start;
    for (;;) {
      let j = buf.indexOf(NL, i);
      if (j < 0 || j > end) j = end;
      let e = j;
      if (!keepCr && e > i && buf[e - 1] === CR) e--;
      this.emitBytes(buf, i, e, this.nextLineNo++, base + i, onLine);
      if (j >= end) return;
      i = j + 1;
    }
  }

  /** Decodes bytes [start, end) as one line (its '\r' already removed), or its head when it is over the cap. */
  private emitBytes(buf: Buffer, start: number, end: number, lineNo: number, offset: number, onLine: OnLine): void {
    if (end - start <= this.maxLine) {
      this.emitDecoded(buf, start, end, lineNo, offset, 0, onLine);
      return;
    }
    this.beginLong(buf, start, end, offset);
    this.countLong(buf, start, end, offset - start);
    this.finishLong(false, lineNo, onLine);
  }

  private emitDecoded(buf: Buffer, start: number, end: number, lineNo: number, offset: number, longBytes: number, onLine: OnLine): void {
    const text = buf.toString('utf8', start, end);
    // U+FFFD can be a genuine character; only then is the exact (rarer, costlier) check needed.
    const invalid = text.indexOf(REPLACEMENT) >= 0 && !isUtf8(buf.subarray(start, end));
    if (invalid) onLine(text, lineNo, offset, true, longBytes, Uint8Array.prototype.slice.call(buf, start, end));
    else onLine(text, lineNo, offset, false, longBytes);
  }

  /** Largest cut ≤ `limit` that does not split a UTF-8 character (never below start + 1). */
  private pieceEnd(buf: Buffer, start: number, limit: number): number {
    let cut = limit;
    for (let k = 0; k < 3 && cut - 1 > start && (buf[cut] & 0xc0) === 0x80; k++) cut--;
    return cut;
  }

  /** Completes the carried line with buf[0, nl) and emits it. */
  private finishCarried(buf: Buffer, nl: number, onLine: OnLine): void {
    if (nl > 0) this.pushCarry(buf, 0, nl);
    const line = this.takeCarry();
    let e = line.length;
    if (!this.keepCr && e > 0 && line[e - 1] === CR) e--;
    this.emitBytes(line, 0, e, this.nextLineNo++, this.carryStart, onLine);
  }

  private appendCarry(buf: Buffer, start: number, end: number): void {
    this.pushCarry(buf, start, end);
    // One byte of slack: a line of exactly the cap may still be followed by the '\r' of CRLF.
    if (this.carryLen <= this.maxLine + 1) return;
    const all = this.takeCarry();
    this.beginLong(all, 0, all.length, this.carryStart);
    this.countLong(all, 0, all.length, this.carryStart);
    this.inLongLine = true;
  }

  /** Starts an over-long line at buf[start] (stream offset `offset`): keeps its head. */
  private beginLong(buf: Buffer, start: number, end: number, offset: number): void {
    const keep = end - start > this.headBytes ? this.pieceEnd(buf, start, start + this.headBytes) : end;
    this.longHead = Buffer.from(buf.subarray(start, keep));
    this.longStart = offset;
    this.longLen = 0;
    this.longLastCr = false;
    this.tail = null;
    this.tailLen = 0;
  }

  /** Counts buf[s, e) (stream offset of buf[0]: `base`) into the long line, keeping only what follows its last NUL. */
  private countLong(buf: Buffer, s: number, e: number, base: number): void {
    if (e <= s) return;
    this.longLen += e - s;
    this.longLastCr = buf[e - 1] === CR;
    let from = s;
    const z = buf.lastIndexOf(0, e - 1);
    if (z >= s) {
      this.tail = [];
      this.tailLen = 0;
      this.tailStart = base + z + 1;
      from = z + 1;
    }
    if (this.tail === null || from >= e) return;
    this.tailLen += e - from;
    if (this.tailLen > this.maxLine + 1) this.tail = null;
    else this.tail.push(Buffer.from(buf.subarray(from, e)));
  }

  /** Emits the over-long line (`nl`: a '\n' ended it), then what followed its last NUL if that is a line. */
  private finishLong(nl: boolean, lineNo: number, onLine: OnLine): void {
    this.inLongLine = false;
    const cr = nl && !this.keepCr && this.longLastCr ? 1 : 0;
    const len = this.longLen - cr;
    const tail = this.tail === null ? null : Buffer.concat(this.tail, this.tailLen).subarray(0, Math.max(0, this.tailLen - cr));
    const head = this.longHead;
    this.longHead = EMPTY;
    this.tail = null;
    const split = tail !== null && tail.length > 0 && tail.length <= this.maxLine && len - tail.length > this.maxLine;
    const headLen = Math.min(head.length, split ? len - (tail as Buffer).length : len);
    this.emitDecoded(head, 0, headLen, lineNo, this.longStart, split ? len - (tail as Buffer).length : len, onLine);
    if (split) this.emitDecoded(tail as Buffer, 0, (tail as Buffer).length, lineNo, this.tailStart, 0, onLine);
  }

  private pushCarry(buf: Buffer, start: number, end: number): void {
    const len = end - start;
    if (len <= 0) return;
    const copy = Buffer.allocUnsafe(len);
    buf.copy(copy, 0, start, end);
    this.carry.push(copy);
    this.carryLen += len;
  }

  private takeCarry(): Buffer {
    const parts = this.carry;
    const out = parts.length === 1 ? parts[0] : Buffer.concat(parts, this.carryLen);
    this.carry = [];
    this.carryLen = 0;
    return out ?? EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);
