// Recognizing the start of a simpletrace stream (docs/qemu-trace-formats.md §2.1, §2.2, §6 items 2,
// 3 and 12). Shared by the sniffer and the decoder so both agree on what a header is.

/** Largest event record length we accept; QEMU's records are far below this (10 args ≤ 512 B). */
export const MAX_RECORD_LENGTH = 16 * 1024 * 1024;
/** Largest mapping name we accept; event names are C identifiers of a few dozen bytes. */
export const MAX_MAPPING_NAME = 64 * 1024;

export const HEADER_BYTES = 24;

export interface SimpletraceSniff {
  readonly version: number;
  readonly littleEndian: boolean;
  readonly headerless: boolean;
}

export type HeadVerdict =
  | { readonly kind: 'need'; readonly bytes: number }
  | { readonly kind: 'ok'; readonly sniff: SimpletraceSniff; readonly headerBytes: number }
  | { readonly kind: 'bad'; readonly reason: string };

const MAGIC_LE = [0xb4, 0x29, 0xa4, 0x0a, 0xcb, 0x77, 0xb1, 0xf2];
const KNOWN_VERSIONS = new Set([0, 2, 3, 4]);

function matchesAt(b: Uint8Array, pos: number, pattern: readonly number[], reversed: boolean): boolean {
  const n = pattern.length;
  for (let i = 0; i < n; i++) {
    if (b[pos + i] !== pattern[reversed ? n - 1 - i : i]) return false;
  }
  return true;
}

function hex(b: Uint8Array, pos: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += b[pos + i].toString(16).padStart(2, '0');
  return s;
}

/** Reads a u64 that must fit a JS number; returns -1 when it does not (the caller rejects it). */
function smallU64(b: Uint8Array, pos: number, le: boolean): number {
  const dv = new DataView(b.buffer, b.byteOffset + pos, 8);
  const hi = dv.getUint32(le ? 4 : 0, le);
  const lo = dv.getUint32(le ? 0 : 4, le);
  return hi === 0 ? lo : -1;
}

/**
 * Decides what the first bytes of a stream are, given `avail` bytes at `pos`.
 * A headerless stream (SystemTap tapsets, `simpletrace.py --no-header`) has no magic, so its
 * byte order comes from its first type word, which must be 1 (an event record).
 */
export function classifyHead(b: Uint8Array, pos: number, avail: number): HeadVerdict {
  if (avail < 8) return { kind: 'need', bytes: 8 };
  let allOnes = true;
  for (let i = 0; i < 8; i++) {
    if (b[pos + i] !== 0xff) {
      allOnes = false;
      break;
    }
  }
  if (allOnes) {
    if (avail < HEADER_BYTES) return { kind: 'need', bytes: HEADER_BYTES };
    let le: boolean;
    if (matchesAt(b, pos + 8, MAGIC_LE, false)) le = true;
    else if (matchesAt(b, pos + 8, MAGIC_LE, true)) le = false;
    else return { kind: 'bad', reason: `not a simpletrace file: header magic ${hex(b, pos + 8, 8)} is not 0xf2b177cb0aa429b4 in either byte order` };
    const version = smallU64(b, pos + 16, le);
    if (!KNOWN_VERSIONS.has(version)) {
      const shown = version >= 0 ? String(version) : `word ${hex(b, pos + 16, 8)}`;
      return { kind: 'bad', reason: `unknown simpletrace version ${shown} (known: 0, 2, 3, 4)` };
    }
    return { kind: 'ok', sniff: { version, littleEndian: le, headerless: false }, headerBytes: HEADER_BYTES };
  }
  if (smallU64(b, pos, true) === 1) {
    return { kind: 'ok', sniff: { version: 4, littleEndian: true, headerless: true }, headerBytes: 0 };
  }
  if (smallU64(b, pos, false) === 1) {
    return { kind: 'ok', sniff: { version: 4, littleEndian: false, headerless: true }, headerBytes: 0 };
  }
  return {
    kind: 'bad',
    reason: `not a simpletrace file: no header (first 8 bytes ${hex(b, pos, 8)} are not ff×8) and the first word is not an event record type`,
  };
}

/**
 * Recognizes a simpletrace stream from its first bytes (give at least 36 for a headerless one):
 * a v0/v2/v3/v4 header in either byte order, or a headerless v4 event stream whose first record
 * has a plausible length. Returns null for anything else.
 */
export function sniffSimpletrace(head: Uint8Array): SimpletraceSniff | null {
  const v = classifyHead(head, 0, head.length);
  if (v.kind !== 'ok') return null;
  if (!v.sniff.headerless) return v.sniff;
  // One type word equal to 1 is weak evidence; insist on a sane record length as well.
  if (head.length < 32) return null;
  const dv = new DataView(head.buffer, head.byteOffset, head.length);
  const len = dv.getUint32(24, v.sniff.littleEndian);
  if (len < 24 || len > MAX_RECORD_LENGTH) return null;
  return v.sniff;
}

/**
 * Why a head that carries the simpletrace header (ff×8 and the magic) cannot be read, or null
 * when it does not carry it: a file of a simpletrace version we do not know is named as such,
 * not as binary data where a text trace was expected.
 */
export function simpletraceHeaderProblem(head: Uint8Array): string | null {
  if (head.length < HEADER_BYTES) return null;
  for (let i = 0; i < 8; i++) if (head[i] !== 0xff) return null;
  if (!matchesAt(head, 8, MAGIC_LE, false) && !matchesAt(head, 8, MAGIC_LE, true)) return null;
  const v = classifyHead(head, 0, head.length);
  return v.kind === 'bad' ? v.reason : null;
}
