// gzip (RFC 1952) with member framing done here and only the deflate data given to zlib. Node's
// Gunzip, meeting non-gzip bytes after a member, fails and drops the output of that call (up to
// a whole chunk of good data); framing members ourselves keeps every byte of every complete
// member and reports trailing garbage only after delivering them. Zero padding is accepted.
import * as zlib from 'node:zlib';
import { ByteReader, SourceFailure } from './bytes.ts';
import { DECODE_CHUNK, drained, pump } from './stream.ts';

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

// zlib.crc32 arrived in Node 20.15; without it the length check (ISIZE) still applies.
const crc32: ((d: Uint8Array, v: number) => number) | null =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (zlib.crc32 as (d: Uint8Array, v: number) => number) : null;

async function skipExact(r: ByteReader, n: number, what: string): Promise<void> {
  if ((await r.skip(n)) !== n) throw new SourceFailure('truncated', `gzip data truncated (inside the ${what})`);
}

async function skipZeroTerminated(r: ByteReader, what: string): Promise<void> {
  for (;;) {
    const c = await r.read();
    if (c === null) throw new SourceFailure('truncated', `gzip data truncated (inside the ${what})`);
    const z = c.indexOf(0);
    if (z >= 0) {
      r.unread(c.subarray(z + 1));
      return;
    }
  }
}

async function readHeader(r: ByteReader, at: number): Promise<void> {
  const h = await r.peek(10);
  if (h.byteLength < 10) throw new SourceFailure('truncated', `gzip data truncated (inside the header at byte ${at})`);
  if (h[0] !== 0x1f || h[1] !== 0x8b) throw new SourceFailure('corrupt', `gzip data corrupt (no gzip header at byte ${at})`);
  if (h[2] !== 8) throw new SourceFailure('corrupt', `gzip data corrupt (unknown compression method ${h[2]} at byte ${at})`);
  const flags = h[3];
  if (flags & 0xe0) throw new SourceFailure('corrupt', `gzip data corrupt (reserved header flags set at byte ${at})`);
  await r.skip(10);
  if (flags & FEXTRA) {
    const x = await r.peek(2);
    if (x.byteLength < 2) throw new SourceFailure('truncated', 'gzip data truncated (inside the header)');
    const len = x[0] | (x[1] << 8);
    await skipExact(r, 2 + len, 'header extra field');
  }
  if (flags & FNAME) await skipZeroTerminated(r, 'header file name');
  if (flags & FCOMMENT) await skipZeroTerminated(r, 'header comment');
  if (flags & FHCRC) await skipExact(r, 2, 'header');
}

/** The deflate data of one member; afterwards r stands right after it (at the trailer). */
async function* inflateMember(r: ByteReader): AsyncGenerator<Uint8Array, void, undefined> {
  const t = zlib.createInflateRaw({ chunkSize: DECODE_CHUNK });
  // Input handed to zlib that it may not have used yet (it stops at the end of the deflate data).
  const fed: Uint8Array[] = [];
  let fedBefore = 0; // bytes fed before fed[0]
  let fedTotal = 0;
  yield* pump(
    t,
    async (ctl) => {
      for (;;) {
        const c = await r.read();
        if (c === null) {
          if (!ctl.stop()) t.end(); // zlib then reports the truncation
          return;
        }
        if (ctl.stop()) {
          r.unread(c);
          return;
        }
        fed.push(c);
        fedTotal += c.byteLength;
        while (fed.length > 1 && t.bytesWritten >= fedBefore + fed[0].byteLength) {
          fedBefore += fed[0].byteLength;
          fed.shift();
        }
        if (!t.write(c)) await drained(t);
      }
    },
    'gzip',
  );
  // zlib's bytesWritten counts the input it consumed, which ends exactly with the deflate data.
  let excess = fedTotal - t.bytesWritten;
  for (let i = fed.length - 1; i >= 0 && excess > 0; i--) {
    const c = fed[i];
    const take = Math.min(excess, c.byteLength);
    r.unread(c.subarray(c.byteLength - take));
    excess -= take;
  }
}

function u32le(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** Decompresses every member of a gzip stream, as gzip -d does. */
export async function* gunzip(src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const r = new ByteReader(src[Symbol.asyncIterator]());
  try {
    for (let member = 0; ; member++) {
      const at = r.consumed;
      if (member > 0) {
        const h = await r.peek(2);
        if (h.byteLength === 0) return;
        if (h[0] !== 0x1f || (h.byteLength === 2 && h[1] !== 0x8b)) {
          await trailing(r, at);
          return;
        }
      }
      await readHeader(r, at);
      let crc = 0;
      let size = 0;
      for await (const c of inflateMember(r)) {
        if (crc32 !== null) crc = crc32(c, crc);
        size += c.byteLength;
        yield c;
      }
      const t = await r.peek(8);
      if (t.byteLength < 8) throw new SourceFailure('truncated', `gzip data truncated (member ${member + 1} lacks its trailer)`);
      if (crc32 !== null && u32le(t, 0) !== crc >>> 0) {
        throw new SourceFailure('corrupt', `gzip data corrupt (CRC-32 mismatch in member ${member + 1})`);
      }
      if (u32le(t, 4) !== size % 0x100000000) {
        throw new SourceFailure('corrupt', `gzip data corrupt (length mismatch in member ${member + 1})`);
      }
      await r.skip(8);
    }
  } finally {
    await r.close();
  }
}

/** After the last member: zeros are padding (as gzip accepts); anything else is reported. */
async function trailing(r: ByteReader, at: number): Promise<void> {
  let n = 0;
  let garbage = false;
  for (;;) {
    const c = await r.read();
    if (c === null) break;
    n += c.byteLength;
    if (!garbage) for (let i = 0; i < c.byteLength; i++) if (c[i] !== 0) garbage = true;
  }
  if (garbage) throw new SourceFailure('corrupt', `gzip data corrupt (${n} bytes of trailing garbage after the last member, at byte ${at})`);
}
