// Cutting a log into segments that decode on their own, so that several threads can decode one
// trace. A cut is safe where no record can span it: before a line the decoder reads as a record
// header (which always completes the record before it), or where the last header is further back
// than any record reaches (CONTINUATION_REACH). Decoding the segments one after another then gives
// exactly the records of decoding the whole stream, with seq and line numbers shifted by what the
// segments before counted (rebaseBatch).
import type { RecordBatch } from '../../workspace/record-batch.ts';
import { CONTINUATION_REACH } from '../../formats/text-decoder.ts';
import { MAX_LINE_BYTES } from '../../formats/lines.ts';

const NL = 10;
const CR = 13;
/** Enough of a line to decide whether it is a record header (prefix and name). */
const HEADER_PROBE = 4096;
/** An unfinished line longer than this is passed on before its end (the decoder keeps only its head). */
const LONG_LINE = MAX_LINE_BYTES;

/** Bytes for the current segment; `last`: the segment ends after them. */
export interface SegmentPiece {
  readonly bytes: Uint8Array;
  readonly last: boolean;
}

/**
 * Splits a stream into segments of about `target` bytes as it arrives, holding back only the
 * unfinished last line. Every byte is passed on exactly once, in order.
 */
export class LogSegmenter {
  private buf: Uint8Array;
  private len = 0;
  /** buf[0] starts a line (false while an over-long line is passed on in pieces). */
  private atLineStart = true;
  /** Bytes passed on for the current segment. */
  private segBytes = 0;
  /** Lines and bytes checked past the target without finding a header (CONTINUATION_REACH). */
  private openLines = 0;
  private openBytes = 0;

  /** `isHeader(line)`: the decoder would read the line (without its '\n') as a record header. */
  constructor(
    private readonly isHeader: (line: string) => boolean,
    private readonly target: number,
  ) {
    this.buf = new Uint8Array(1 << 20);
  }

  push(chunk: Uint8Array): SegmentPiece[] {
    if (this.len + chunk.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    const out: SegmentPiece[] = [];
    for (;;) {
      const lastNl = this.buf.lastIndexOf(NL, this.len - 1);
      if (lastNl < 0) {
        if (this.len > LONG_LINE) {
          this.pass(out, this.len, false);
          this.atLineStart = false;
        }
        return out;
      }
      const complete = lastNl + 1;
      const cut = this.segBytes + complete < this.target ? -1 : this.findCut(complete);
      if (cut < 0) {
        this.pass(out, complete, false);
        this.atLineStart = true;
        return out;
      }
      this.pass(out, cut, true);
      this.atLineStart = true;
    }
  }

  /** The rest of the stream, ending the last segment (nothing when no byte was ever seen). */
  end(): SegmentPiece[] {
    const out: SegmentPiece[] = [];
    if (this.len > 0 || this.segBytes > 0) this.pass(out, this.len, true);
    return out;
  }

  /** Passes buf[0, n) on to the current segment (ending it when `last`) and drops it here. */
  private pass(out: SegmentPiece[], n: number, last: boolean): void {
    if (n > 0 || last) out.push({ bytes: this.buf.slice(0, n), last });
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
    this.segBytes = last ? 0 : this.segBytes + n;
    if (last) this.openLines = this.openBytes = 0;
  }

  /**
   * A safe cut among the complete lines buf[0, complete) at or past the target, or -1. Lines
   * are checked from the first one that starts at or after the target.
   */
  private findCut(complete: number): number {
    const b = this.buf;
    const want = this.target - this.segBytes;
    let s = want <= 0 ? 0 : b.indexOf(NL, want - 1) + 1;
    if (s === 0 && !this.atLineStart) {
      s = b.indexOf(NL) + 1;
      if (s === 0) return -1;
    }
    while (s < complete) {
      const nl = b.indexOf(NL, s);
      // An empty segment is never cut off.
      if ((s > 0 || this.segBytes > 0) && this.isHeader(this.lineText(s, nl))) return s;
      this.openLines++;
      this.openBytes += nl + 1 - s;
      // No header in this many lines or bytes: nothing still open can reach the next line.
      if (this.openLines >= CONTINUATION_REACH.lines || this.openBytes >= CONTINUATION_REACH.bytes) return nl + 1;
      s = nl + 1;
    }
    return -1;
  }

  private lineText(start: number, nl: number): string {
    let e = Math.min(nl, start + HEADER_PROBE);
    if (e === nl && e > start && this.buf[e - 1] === CR) e--;
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + start, e - start).toString('latin1');
  }
}

/** Adds `add` to rows [0, n) of a 64-bit integer column held as 32-bit words (low word first). */
function addToWords(buf: ArrayBuffer, n: number, add: number): void {
  if (add === 0) return;
  const w = new Uint32Array(buf, 0, n * 2);
  const addLo = add >>> 0;
  const addHi = Math.floor(add / 4294967296);
  for (let i = 0; i < n * 2; i += 2) {
    const lo = w[i] + addLo;
    w[i] = lo >>> 0;
    w[i + 1] = w[i + 1] + addHi + (lo > 0xffffffff ? 1 : 0);
  }
}

/**
 * A segment's batch in the numbering of the whole trace: seq (column 0 of every batch) plus the
 * records before the segment, and an unparsed row's line number (column 1) plus the lines.
 */
export function rebaseBatch(b: RecordBatch, seqBase: number, lineBase: number): RecordBatch {
  const seq = b.columns[0].data;
  if (seq !== null) addToWords(seq, b.n, seqBase);
  // Both keep the line number in their second column.
  if (b.kind === 'unparsed' || b.kind === 'lossy') {
    const line = b.columns[1].data;
    if (line !== null) addToWords(line, b.n, lineBase);
  }
  return b;
}
