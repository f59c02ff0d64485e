// Writes zstd frames of raw and RLE blocks (RFC 8878 §3.1.1): no compressor needed, so tests and
// the bench can make a gigabyte-long run of one byte in a few kilobytes, as a real zstd would
// (the reader under test, fzstd, is independent of this writer). Runs are described, not held.
import { closeSync, openSync, writeSync } from 'node:fs';

/** The largest block a frame with this writer's 128 KiB window may hold. */
const BLOCK = 128 << 10;

/** Bytes as they are, or `count` copies of one byte. */
export type ZstdPart = Buffer | { readonly byte: number; readonly count: number };

/** One zstd frame holding `parts` in order, written to `sink` a block at a time. */
export function writeZstd(parts: readonly ZstdPart[], sink: (b: Buffer) => void): void {
  // Magic, frame header descriptor 0 (no content size, no checksum), window 2^(10+7).
  sink(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3]));
  const blocks: { type: 0 | 1; size: number; data: Buffer }[] = [];
  const flush = (last: boolean): void => {
    while (blocks.length > (last ? 0 : 1)) {
      const b = blocks.shift()!;
      const h = Buffer.alloc(3);
      h.writeUIntLE((b.size << 3) | (b.type << 1) | (last && blocks.length === 0 ? 1 : 0), 0, 3);
      sink(Buffer.concat([h, b.data]));
    }
  };
  for (const p of parts) {
    if (Buffer.isBuffer(p)) {
      for (let i = 0; i < p.length; i += BLOCK) {
        const data = p.subarray(i, i + BLOCK);
        blocks.push({ type: 0, size: data.length, data });
        flush(false);
      }
    } else {
      for (let left = p.count; left > 0; left -= BLOCK) {
        blocks.push({ type: 1, size: Math.min(BLOCK, left), data: Buffer.from([p.byte]) });
        flush(false);
      }
    }
  }
  if (blocks.length === 0) blocks.push({ type: 0, size: 0, data: Buffer.alloc(0) });
  flush(true);
}

export function zstdBuffer(parts: readonly ZstdPart[]): Buffer {
  const out: Buffer[] = [];
  writeZstd(parts, (b) => out.push(b));
  return Buffer.concat(out);
}

export function writeZstdFile(file: string, parts: readonly ZstdPart[]): void {
  const fd = openSync(file, 'w');
  try {
    writeZstd(parts, (b) => writeSync(fd, b));
  } finally {
    closeSync(fd);
  }
}
