// A pull-based tar reader (ustar, GNU and pax headers) over a ByteReader. Written here rather
// than using tar-stream's push-based extractor so that skipping a member, stopping early and
// reporting the exact archive offset of a bad header stay simple and bounded in memory.
import { SourceFailure, type ByteReader } from './bytes.ts';

const BLOCK = 512;
// pax and GNU long-name records are small; a bigger one is a corrupt header, not a name.
const MAX_META = 1 << 20;

export interface TarMember {
  readonly name: string;
  readonly size: number;
  /** Offset of the member's header in the (decompressed) tar stream. */
  readonly headerOffset: number;
  /** Set for entries that are regular files we cannot read (GNU sparse files). */
  readonly unsupported: string | null;
}

function cstring(b: Uint8Array, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && b[end] !== 0) end++;
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
}

/** Octal (optionally space/NUL padded) or GNU base-256 numeric field; -1 when malformed. */
function numeric(b: Uint8Array, start: number, len: number): number {
  if (b[start] & 0x80) {
    if (b[start] === 0xff) return -1; // negative base-256: never valid for sizes
    let v = b[start] & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i];
    return Number.isSafeInteger(v) ? v : -1;
  }
  let i = start;
  const stop = start + len;
  while (i < stop && (b[i] === 0x20 || b[i] === 0)) i++;
  if (i === stop) return 0;
  let v = 0;
  let digits = 0;
  for (; i < stop; i++) {
    const c = b[i];
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) return -1;
    v = v * 8 + (c - 0x30);
    digits++;
  }
  return digits > 0 ? v : -1;
}

function checksumOk(h: Uint8Array): boolean {
  const want = numeric(h, 148, 8);
  if (want < 0) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  // Some historic tars summed signed chars.
  return want === unsigned || want === signed;
}

function hasUstarMagic(h: Uint8Array): boolean {
  return h[257] === 0x75 && h[258] === 0x73 && h[259] === 0x74 && h[260] === 0x61 && h[261] === 0x72;
}

/** True when the block is a tar header: ustar magic, or an old-style header whose checksum holds. */
export function isTarHeader(h: Uint8Array): boolean {
  if (h.byteLength < BLOCK) return false;
  if (hasUstarMagic(h)) return true;
  // An all-zero block has checksum field 0 but sums to 256; a name is required anyway.
  return h[0] !== 0 && checksumOk(h);
}

function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

/** The largest empty tar taken as one: GNU tar pads to a 10 KiB record, some writers to more. */
export const EMPTY_TAR_MAX = 64 * BLOCK;

/**
 * True for a whole stream that is only a tar's end-of-archive blocks (an empty tar: 1 KiB to
 * 10 KiB of zeros). `h` must be the whole stream: a log that merely starts with a NUL run (a host
 * crash) is not a tar, and is refused as binary or read past the run.
 */
export function isEmptyTar(h: Uint8Array, wholeStream: boolean): boolean {
  if (!wholeStream || h.byteLength < 2 * BLOCK || h.byteLength % BLOCK !== 0 || h.byteLength > EMPTY_TAR_MAX) return false;
  for (let i = 0; i < h.byteLength; i++) if (h[i] !== 0) return false;
  return true;
}

/** pax records are "<decimal byte length> <key>=<value>\n", lengths counting bytes. */
function parsePax(d: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < d.byteLength) {
    let j = i;
    let len = 0;
    while (j < d.byteLength && d[j] >= 0x30 && d[j] <= 0x39) len = len * 10 + (d[j++] - 0x30);
    if (j === i || d[j] !== 0x20 || len <= j - i || i + len > d.byteLength) break;
    const rec = Buffer.from(d.buffer, d.byteOffset + j + 1, i + len - j - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.endsWith('\n') ? rec.slice(eq + 1, -1) : rec.slice(eq + 1));
    i += len;
  }
  return out;
}

export class TarReader {
  /** Data bytes of the current member not yet handed out. */
  private remaining = 0;
  private padding = 0;
  private finished = false;

  constructor(private readonly r: ByteReader) {}

  /** Offset in the tar stream of the next byte to be read. */
  get offset(): number {
    return this.r.consumed;
  }

  private async readMeta(size: number, at: number): Promise<Uint8Array> {
    if (size > MAX_META) throw new SourceFailure('corrupt', `tar: oversized extended header at offset ${at}`);
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < size) {
      const c = await this.r.read(size - got);
      if (c === null) throw new SourceFailure('truncated', `tar: archive ends inside the extended header at offset ${at}`);
      parts.push(c);
      got += c.byteLength;
    }
    await this.skipExact((BLOCK - (size % BLOCK)) % BLOCK, at);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private async skipExact(n: number, at: number): Promise<void> {
    if ((await this.r.skip(n)) !== n) {
      throw new SourceFailure('truncated', `tar: archive ends inside the entry whose header is at offset ${at}`);
    }
  }

  /** Skips what is left of the current member; then reads headers up to the next regular file. */
  async next(): Promise<TarMember | null> {
    await this.skipRest();
    if (this.finished) return null;
    let longName: string | null = null;
    let pax: Map<string, string> | null = null;
    for (;;) {
      const at = this.r.consumed;
      const h = await this.r.peek(BLOCK);
      if (h.byteLength === 0) {
        // Archives cut after a whole member but before the end blocks lose nothing; accept them.
        this.finished = true;
        return null;
      }
      if (h.byteLength < BLOCK) throw new SourceFailure('truncated', `tar: archive ends inside a header at offset ${at}`);
      if (isZeroBlock(h)) {
        // End of archive. What follows is padding (or a second archive tar(1) would also ignore).
        this.finished = true;
        return null;
      }
      if (!checksumOk(h)) throw new SourceFailure('corrupt', `tar: bad header checksum at offset ${at}`);
      const type = h[156];
      let size = numeric(h, 124, 12);
      if (size < 0) throw new SourceFailure('corrupt', `tar: bad size field in header at offset ${at}`);
      let name = cstring(h, 0, 100);
      // POSIX ustar ("ustar\0") splits long names into prefix/name; GNU ("ustar  ") uses that area otherwise.
      if (hasUstarMagic(h) && h[262] === 0 && h[345] !== 0) name = `${cstring(h, 345, 155)}/${name}`;
      const sparseExtended = type === 0x53 && h[482] !== 0;
      await this.skipExact(BLOCK, at);
      if (sparseExtended) await this.skipSparseExtensions(at);

      switch (type) {
        case 0x4c /* L: GNU long name */: {
          const d = await this.readMeta(size, at);
          longName = cstring(d, 0, d.byteLength);
          continue;
        }
        case 0x78 /* x: pax extended header */:
          pax = parsePax(await this.readMeta(size, at));
          continue;
        case 0x67 /* g: pax global header */:
        case 0x4b /* K: GNU long link name */:
          await this.readMeta(size, at);
          continue;
      }
      // GNU tar's pax sparse formats (0.0, 0.1, 1.0) keep the map in GNU.sparse.* records (1.0
      // also ahead of the data) and the real name in GNU.sparse.name.
      const paxSparse = pax !== null && [...pax.keys()].some((k) => k.startsWith('GNU.sparse.'));
      const paxPath = pax?.get('GNU.sparse.name') ?? pax?.get('path');
      if (paxPath !== undefined) name = paxPath;
      else if (longName !== null) name = longName;
      const paxSize = pax?.get('size');
      if (paxSize !== undefined) {
        size = /^\d+$/.test(paxSize) ? Number(paxSize) : -1;
        if (!Number.isSafeInteger(size)) throw new SourceFailure('corrupt', `tar: bad pax size in header at offset ${at}`);
      }
      longName = null;
      pax = null;

      // Links, devices, directories and fifos carry no data blocks.
      const hasData = !(type >= 0x31 && type <= 0x36);
      const regular = type === 0x30 || type === 0 || type === 0x37 || type === 0x53;
      if (!regular) {
        if (hasData) await this.skipExact(size + ((BLOCK - (size % BLOCK)) % BLOCK), at);
        continue;
      }
      this.remaining = size;
      this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
      return {
        name,
        size,
        headerOffset: at,
        unsupported: type === 0x53 || paxSparse ? 'GNU sparse tar members are not supported' : null,
      };
    }
  }

  // Old GNU sparse headers chain extension blocks (flag at byte 504) before the data.
  private async skipSparseExtensions(at: number): Promise<void> {
    for (;;) {
      const b = await this.r.peek(BLOCK);
      if (b.byteLength < BLOCK) throw new SourceFailure('truncated', `tar: archive ends inside the sparse header at offset ${at}`);
      const more = b[504] !== 0;
      await this.skipExact(BLOCK, at);
      if (!more) return;
    }
  }

  /** Next slice of the current member's data (at most max bytes), or null at its end. */
  async read(max: number, member: TarMember): Promise<Uint8Array | null> {
    if (this.remaining === 0) return null;
    const c = await this.r.read(Math.min(max, this.remaining));
    if (c === null) {
      throw new SourceFailure(
        'truncated',
        `tar: archive ends ${this.remaining} bytes before the end of member "${member.name}" (header at offset ${member.headerOffset})`,
      );
    }
    this.remaining -= c.byteLength;
    return c;
  }

  private async skipRest(): Promise<void> {
    const n = this.remaining;
    const pad = this.padding;
    this.remaining = 0;
    this.padding = 0;
    if (n > 0 && (await this.r.skip(n)) !== n) {
      throw new SourceFailure('truncated', `tar: archive ends inside a member at offset ${this.r.consumed}`);
    }
    // Only the padding of the last member missing: every data byte arrived, so end quietly.
    if (pad > 0 && (await this.r.skip(pad)) !== pad) this.finished = true;
  }
}
