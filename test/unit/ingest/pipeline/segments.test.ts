// Cutting a log into independently decodable segments: every byte passed on once and in order,
// cuts only before record headers or past the reach of any record, bounded memory on an
// over-long line, and batch renumbering.
import { describe, expect, it } from 'vitest';
import { LogSegmenter, rebaseBatch, type SegmentPiece } from '../../../../src-main/ingest/pipeline/segments.ts';
import { MAX_LINE_BYTES } from '../../../../src-main/formats/lines.ts';
import { Column } from '../../../../src-main/workspace/column.ts';
import type { RecordBatch } from '../../../../src-main/workspace/record-batch.ts';
import { prng } from '../../../helpers/prng.ts';

const isHeader = (line: string) => /^\d+@\d+\.\d{6}:\w+( |$)/.test(line);

/** Feeds `text` in random chunks; returns the segments as strings. */
function segments(text: string, target: number, seed = 1): string[] {
  const rnd = prng(seed);
  const seg = new LogSegmenter(isHeader, target);
  const bytes = Buffer.from(text, 'latin1');
  const pieces: SegmentPiece[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rnd() * 3000);
    pieces.push(...seg.push(bytes.subarray(i, i + n)));
    i += n;
  }
  pieces.push(...seg.end());
  const out: string[] = [];
  let cur = '';
  for (const p of pieces) {
    cur += Buffer.from(p.bytes).toString('latin1');
    if (p.last) {
      out.push(cur);
      cur = '';
    }
  }
  expect(cur).toBe('');
  return out;
}

function log(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i % 7 === 3 ? `  continuation ${i}` : `12@1700000000.${String(i % 1e6).padStart(6, '0')}:ev_${i % 5} v=${i}`));
}

describe('LogSegmenter', () => {
  it('passes every byte once, in order, and cuts only before a header', () => {
    const text = log(20_000).join('\n') + '\n';
    const segs = segments(text, 30_000);
    expect(segs.join('')).toBe(text);
    expect(segs.length).toBeGreaterThan(10);
    for (const s of segs.slice(1)) expect(isHeader(s.slice(0, s.indexOf('\n')))).toBe(true);
    for (const s of segs.slice(0, -1)) expect(s.length).toBeGreaterThanOrEqual(30_000);
  });

  it('cuts inside a run of non-header lines only past any record reach', () => {
    const lines = log(3000);
    const run = Array.from({ length: 9000 }, (_, k) => `more ${k}`);
    const text = [...lines.slice(0, 1000), ...run, ...lines.slice(1000)].join('\n');
    const segs = segments(text, 10_000, 7);
    expect(segs.join('')).toBe(text);
    for (const s of segs.slice(1)) {
      const first = s.slice(0, s.indexOf('\n'));
      if (isHeader(first)) continue;
      // A cut inside the run: at least 4097 run lines precede it.
      const k = Number(/^more (\d+)$/.exec(first)?.[1]);
      expect(k).toBeGreaterThanOrEqual(4097);
    }
    expect(segs.some((s) => s.startsWith('more '))).toBe(true);
  });

  it('passes an over-long line on before its end, and never cuts inside it', () => {
    const seg = new LogSegmenter(isHeader, 1 << 20);
    const head = Buffer.from('12@1700000000.000001:ev_1 a\n12@1700000000.000002:ev_2 ');
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const pieces: SegmentPiece[] = [...seg.push(head)];
    let passedBeforeEnd = 0;
    for (let i = 0; i < 24; i++) {
      const got = seg.push(chunk);
      pieces.push(...got);
      passedBeforeEnd += got.reduce((n, p) => n + p.bytes.length, 0);
    }
    // Never more than the line cap and one chunk of it held here.
    expect(passedBeforeEnd).toBeGreaterThanOrEqual(24 * chunk.length - (MAX_LINE_BYTES + chunk.length));
    pieces.push(...seg.push(Buffer.from('\n12@1700000000.000003:ev_3 b\n')), ...seg.end());
    const text = Buffer.concat(pieces.map((p) => p.bytes)).toString('latin1');
    expect(text.length).toBe(head.length + 24 * chunk.length + 29);
    // Only the end of the stream ends a segment that holds the long line.
    const ends = pieces.filter((p) => p.last);
    expect(ends.length).toBeLessThanOrEqual(2);
    expect(pieces.findIndex((p) => p.last)).toBeGreaterThan(pieces.length - 4);
  });
});

describe('rebaseBatch', () => {
  it('adds the bases to seq and unparsed line numbers, carrying into the high word', () => {
    const seq = new Column('BIGINT');
    const line = new Column('BIGINT');
    seq.setSafeInt(0, 0xffffffff);
    seq.setSafeInt(1, 5);
    line.setSafeInt(0, 1);
    line.setSafeInt(1, 2 ** 40);
    const cols = [seq, line].map((c) => ({ type: c.type, data: c.data?.buffer as ArrayBuffer, validity: c.validity.buffer as ArrayBuffer, hasNull: false, strings: null, packed: null }));
    const b: RecordBatch = { kind: 'unparsed', name: null, n: 2, columns: cols };
    rebaseBatch(b, 1, 2 ** 33);
    expect([...new BigInt64Array(cols[0].data)].slice(0, 2)).toEqual([0x100000000n, 6n]);
    expect([...new BigInt64Array(cols[1].data)].slice(0, 2)).toEqual([2n ** 33n + 1n, 2n ** 40n + 2n ** 33n]);
  });
});
