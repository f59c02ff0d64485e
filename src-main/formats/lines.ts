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
// - A line longer than `maxLineBytes` (16 MiB) is emitted in pieces, all with the same line
//   number, each but the last flagged `more`, so a file without newlines cannot make us buffer
//   without bound. Pieces are cut on UTF-8 character boundaries.
//
// Speed: lines are found by Buffer/String indexOf, and a chunk whose complete lines are all ASCII
// (the usual case; checked once per chunk by simdutf) is decoded as one latin1 string and sliced,
// so there is no per-line Buffer allocation or per-byte JavaScript loop.
import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Receives one line. `more` is true when `text` is a piece of an over-long line whose next piece
 * follows under the same `lineNo`. `raw`, given only when the line was not valid UTF-8, holds its
 * exact bytes (a copy the receiver may keep).
 */
export type OnLine = (
  text: string,
  lineNo: number,
  offset: number,
  hadInvalidUtf8: boolean,
  more: boolean,
  raw?: Uint8Array,
) => void;

/**
 * Receives one line of an all-ASCII run: the line is s[start, end), and also bytes[byteStart,
 * byteStart + end - start), for callers that would rather read bytes than a sliced string.
 */
export type OnAsciiLine = (s: string, start: number, end: number, bytes: Buffer, byteStart: number, lineNo: number, offset: number) => void;

export interface LineSplitterOptions {
  /** Longest line kept whole, in bytes; longer lines come in pieces. Default 16 MiB. */
  readonly maxLineBytes?: number;
  /** Keep a '\r' that precedes '\n' (default false: it is removed). */
  readonly keepCr?: boolean;
  /** Stream offset of the first byte pushed (a segment of a larger input). Default 0. */
  readonly startOffset?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

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
  private readonly keepCr: boolean;
  /** Copies of the bytes of the unfinished current line (callers may reuse their chunk buffers). */
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Stream offset of the first carried byte. */
  private carryStart = 0;
  /** Pieces of the current line were already emitted. */
  private inLongLine = false;
  /** Stream offset of the next chunk's first byte. */
  private base = 0;
  private nextLineNo = 1;

  constructor(options: LineSplitterOptions = {}) {
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    // A piece must be able to hold one whole UTF-8 character.
    this.maxLine = Math.max(4, Math.floor(max));
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

    if (this.carryLen > 0 || this.inLongLine) {
      const nl = buf.indexOf(NL);
      if (nl < 0) {
        this.appendCarry(buf, 0, n, onLine);
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
          if (cut <= from) break;
          this.emitAsciiRange(buf, from, cut, base, onLine, onAscii);
          from = cut + 1;
        }
        this.emitAsciiRange(buf, from, lastNl, base, onLine, onAscii);
      } else {
        this.emitUtf8Range(buf, pos, lastNl, base, onLine);
      }
      pos = lastNl + 1;
    }
    if (pos < n) {
      this.carryStart = base + pos;
      this.appendCarry(buf, pos, n, onLine);
    }
  }

  /** Emits the final line if the input did not end with '\n'. */
  end(onLine: OnLine): void {
    if (this.carryLen === 0 && !this.inLongLine) return;
    const line = this.takeCarry();
    const lineNo = this.nextLineNo++;
    this.inLongLine = false;
    this.emitBytes(line, 0, line.length, lineNo, this.carryStart, onLine);
  }

  private emitAsciiRange(buf: Buffer, start: number, end: number, base: number, onLine: OnLine, onAscii: OnAsciiLine | undefined): void {
    const s = buf.toString('latin1', start, end);
    const len = s.length;
    const keepCr = this.keepCr;
    const max = this.maxLine;
    let i = 0;
    for (;;) {
      let j = s.indexOf('\n', i);
      if (j < 0) j = len;
      let e = j;
      if (!keepCr && e > i && s.charCodeAt(e - 1) === CR) e--;
      if (e - i > max) {
        this.emitBytes(buf, start + i, start + e, this.nextLineNo++, base + start + i, onLine);
      } else if (onAscii !== undefined) {
        onAscii(s, i, e, buf, start + i, this.nextLineNo++, base + start + i);
      } else {
        onLine(s.slice(i, e), this.nextLineNo++, base + start + i, false, false);
      }
      if (j >= len) return;
      i = j + 1;
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

  /** Decodes bytes [start, end) as one line, in pieces when it is over the cap. */
  private emitBytes(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    onLine: OnLine,
  ): void {
    let s = start;
    while (end - s > this.maxLine) {
      const cut = this.pieceEnd(buf, s, s + this.maxLine);
      this.emitDecoded(buf, s, cut, lineNo, offset + (s - start), true, onLine);
      s = cut;
    }
    this.emitDecoded(buf, s, end, lineNo, offset + (s - start), false, onLine);
  }

  private emitDecoded(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    more: boolean,
    onLine: OnLine,
  ): void {
    const text = buf.toString('utf8', start, end);
    // U+FFFD can be a genuine character; only then is the exact (rarer, costlier) check needed.
    const invalid = text.indexOf(REPLACEMENT) >= 0 && !isUtf8(buf.subarray(start, end));
    if (invalid) onLine(text, lineNo, offset, true, more, Uint8Array.prototype.slice.call(buf, start, end));
    else onLine(text, lineNo, offset, false, more);
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
    const lineNo = this.nextLineNo++;
    this.inLongLine = false;
    this.emitBytes(line, 0, e, lineNo, this.carryStart, onLine);
  }

  private appendCarry(buf: Buffer, start: number, end: number, onLine: OnLine): void {
    this.pushCarry(buf, start, end);
    if (this.carryLen <= this.maxLine) return;
    // Keep memory bounded: emit full pieces now, carry only the remainder (always ≥ 1 byte, so
    // a '\r' that turns out to precede '\n' is still in the carry when the '\n' arrives).
    const all = this.takeCarry();
    let s = 0;
    while (all.length - s > this.maxLine) {
      const cut = this.pieceEnd(all, s, s + this.maxLine);
      this.emitDecoded(all, s, cut, this.nextLineNo, this.carryStart, true, onLine);
      this.carryStart += cut - s;
      s = cut;
    }
    this.inLongLine = true;
    this.pushCarry(all, s, all.length);
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
