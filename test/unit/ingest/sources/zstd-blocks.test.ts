// The zstd block cutter: pushes cut where it says decode to the same bytes, and none makes more
// than ZSTD_PUSH_OUTPUT (plus one block), whatever the frame header fields and the chunking.
import { describe, expect, it } from 'vitest';
import { Decompress } from 'fzstd';
import { ZSTD_PUSH_OUTPUT, ZstdBlockCutter } from '../../../../src-main/ingest/sources/zstd-blocks.ts';
import { zstdBuffer, type ZstdPart } from '../../../helpers/zstd.ts';

const MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** A frame of `parts` with an 8-byte content size and, when asked, a (never checked) checksum. */
function frameWithFields(parts: ZstdPart[], size: number, checksum: boolean): Buffer {
  const blocks = zstdBuffer(parts).subarray(6);
  const fcs = Buffer.alloc(8);
  fcs.writeBigUInt64LE(BigInt(size));
  return Buffer.concat([MAGIC, Buffer.from([0xc0 | (checksum ? 4 : 0), 7 << 3]), fcs, blocks, Buffer.alloc(checksum ? 4 : 0)]);
}

function skippable(payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(0x184d2a53, 0);
  h.writeUInt32LE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

function chunked(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

describe('ZstdBlockCutter', () => {
  const text = Buffer.from('1@2.000003:ram_save_page pc.ram: offset: 0x1000 host: 0x7f0000001000\n'.repeat(3000));
  const ZEROS = 48 << 20;
  const stream = Buffer.concat([
    zstdBuffer([text, { byte: 0, count: ZEROS }, text]),
    skippable(Buffer.alloc(100, 7)),
    frameWithFields([{ byte: 0, count: ZEROS }, text], ZEROS + text.length, true),
    frameWithFields([text, { byte: 0x41, count: ZEROS }], ZEROS + text.length, false),
  ]);
  const total = 4 * text.length + 3 * ZEROS;

  for (const size of [1, 5, 4096, 1 << 20, stream.length]) {
    it(`keeps every push under the bound, fed in chunks of ${size} bytes`, () => {
      const cutter = new ZstdBlockCutter();
      let made = 0;
      let all = 0;
      let most = 0;
      const d = new Decompress((data) => {
        made += data.length;
      });
      for (const c of chunked(stream, size)) {
        let from = 0;
        for (const to of [...cutter.cuts(c), c.length]) {
          made = 0;
          d.push(c.subarray(from, to));
          most = Math.max(most, made);
          all += made;
          from = to;
        }
      }
      made = 0;
      d.push(new Uint8Array(0), true);
      all += made;
      expect(all).toBe(total);
      expect(most).toBeLessThanOrEqual(ZSTD_PUSH_OUTPUT + (128 << 10));
    });
  }

  it('keeps cutting, in small slices, where the stream stops making sense', () => {
    const cutter = new ZstdBlockCutter();
    const junk = Buffer.alloc(10_000, 0x11);
    const cuts = cutter.cuts(junk);
    expect(cuts.length).toBeGreaterThan(30);
    expect(cuts.every((c, i) => c > (i === 0 ? 0 : cuts[i - 1]) && c < junk.length)).toBe(true);
  });
});
