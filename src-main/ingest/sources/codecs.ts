// Content sniffing and streaming decompressors (gzip, zstd, xz, raw deflate for zip members).
// Every decoder is an async generator that creates its machinery only once iteration starts
// (so an unstarted decoder owns nothing) and releases it when iteration stops for any reason.
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { SourceFailure, errorText } from './bytes.ts';
import { gunzip } from './gzip.ts';
import { DECODE_CHUNK, throughStream } from './stream.ts';
import { isTarHeader } from './tar.ts';
import { ZstdBlockCutter } from './zstd-blocks.ts';

export type Compression = 'gzip' | 'zstd' | 'xz';
export type ArchiveKind = 'tar' | 'zip';

/** Bytes a caller should peek before sniffing: one tar header block. */
export const SNIFF_BYTES = 512;

export function sniffCompression(h: Uint8Array): Compression | null {
  if (h.byteLength >= 2 && h[0] === 0x1f && h[1] === 0x8b) return 'gzip';
  if (h.byteLength >= 4 && h[0] === 0x28 && h[1] === 0xb5 && h[2] === 0x2f && h[3] === 0xfd) return 'zstd';
  // A skippable frame (magic 0x184D2A50..5F) first, as pzstd and the seekable format write.
  if (h.byteLength >= 4 && (h[0] & 0xf0) === 0x50 && h[1] === 0x2a && h[2] === 0x4d && h[3] === 0x18) return 'zstd';
  if (
    h.byteLength >= 6 &&
    h[0] === 0xfd && h[1] === 0x37 && h[2] === 0x7a && h[3] === 0x58 && h[4] === 0x5a && h[5] === 0x00
  ) {
    return 'xz';
  }
  return null;
}

export function sniffArchive(h: Uint8Array): ArchiveKind | null {
  // Local file header, or the end-of-central-directory record that alone makes an empty zip.
  if (h.byteLength >= 4 && h[0] === 0x50 && h[1] === 0x4b && ((h[2] === 3 && h[3] === 4) || (h[2] === 5 && h[3] === 6))) {
    return 'zip';
  }
  if (isTarHeader(h)) return 'tar';
  return null;
}

export function decompress(kind: Compression, src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  switch (kind) {
    case 'gzip':
      return gunzip(src);
    case 'xz':
      return throughStream(src, () => loadLzma().createDecompressor({ flags: loadLzma().CONCATENATED }), 'xz');
    case 'zstd':
      return unzstd(src);
  }
}

export function inflateRaw(src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  return throughStream(src, () => zlib.createInflateRaw({ chunkSize: DECODE_CHUNK }), 'deflate');
}

interface LzmaNative {
  createDecompressor(opts: { flags?: number }): Duplex;
  CONCATENATED: number;
}

let lzma: LzmaNative | null = null;
// lzma-native is a native addon without type declarations; load it only when xz input appears.
function loadLzma(): LzmaNative {
  if (lzma === null) {
    try {
      lzma = createRequire(import.meta.url)('lzma-native') as LzmaNative;
    } catch (e) {
      throw new SourceFailure('unsupported', `xz support unavailable (lzma-native failed to load: ${errorText(e)})`);
    }
  }
  return lzma;
}

const EMPTY = new Uint8Array(0);

async function* unzstd(src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const out: Uint8Array[] = [];
  const d = new ZstdDecompress((data) => {
    if (data.byteLength > 0) out.push(data);
  });
  // Pushes of whole blocks making a few MiB at most, however high the ratio (see zstd-blocks.ts).
  const cutter = new ZstdBlockCutter();
  let failure: SourceFailure | null = null;
  try {
    for await (const c of src) {
      let from = 0;
      for (const to of [...cutter.cuts(c), c.byteLength]) {
        d.push(c.subarray(from, to));
        from = to;
        while (out.length > 0) yield out.shift() as Uint8Array;
      }
    }
    d.push(EMPTY, true);
  } catch (e) {
    if (e instanceof SourceFailure) throw e;
    failure = zstdFailure(e);
  }
  while (out.length > 0) yield out.shift() as Uint8Array;
  if (failure !== null) throw failure;
}

function zstdFailure(e: unknown): SourceFailure {
  // fzstd code 5 is "unexpected EOF".
  if ((e as { code?: unknown } | null)?.code === 5) {
    return new SourceFailure('truncated', `zstd data truncated (${errorText(e)})`);
  }
  // fzstd sizes its window buffer from the frame header; a window it cannot allocate (zstd
  // --long=31) surfaces as an invalid typed array length, not as corruption.
  if (/typed array length|Array buffer allocation failed/i.test(errorText(e))) {
    return new SourceFailure('corrupt', `zstd window larger than this reader supports (written with --long above 30?): ${errorText(e)}`);
  }
  return new SourceFailure('corrupt', `zstd data corrupt (${errorText(e)})`);
}
