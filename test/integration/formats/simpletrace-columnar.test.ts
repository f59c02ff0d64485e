// The simpletrace decoder writes event records straight into column batches (EventRows: 64-bit
// words, small integers, short ASCII strings laid out as DuckDB string_t in the worker); any sink
// that takes only records gets record objects. Both ways must give the same tables, value for
// value, on the real QEMU 10.2.50 files and on what leaves the fast way (long, non-ASCII and
// invalid UTF-8 strings, dropped-events records, mismatches, a cut last record).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCatalogueFile } from '../../../src-main/catalogue/index.ts';
import type { Catalogue } from '../../../src-main/catalogue/index.ts';
import { SimpletraceDecoder } from '../../../src-main/formats/simpletrace.ts';
import type { SimpletraceSummary } from '../../../src-main/formats/simpletrace-decoder.ts';
import type { RecordSink } from '../../../src-main/formats/types.ts';
import { BufferPool, batchBuffers } from '../../../src-main/ingest/pipeline/buffer-pool.ts';
import { RecordBatcher } from '../../../src-main/ingest/pipeline/record-batcher.ts';
import type { RecordBatch } from '../../../src-main/workspace/record-batch.ts';
import { Column } from '../../../src-main/workspace/column.ts';
import { SAMPLES } from '../../helpers/paths.ts';
import { SimpletraceWriter } from '../../helpers/simpletrace-writer.ts';

type Rows = Map<string, unknown[][]>;

/** Every row of every batch, by table, in seq order. */
function tables(batches: RecordBatch[]): Rows {
  const out: Rows = new Map();
  for (const b of batches) {
    const cols = b.columns.map((c) => Column.wrap(c.type, c.data, c.validity, c.hasNull, c.strings, c.packed));
    const key = b.kind === 'event' ? (b.name as string) : b.kind;
    const rows = out.get(key) ?? [];
    for (let i = 0; i < b.n; i++) rows.push(cols.map((c) => c.get(i)));
    out.set(key, rows);
  }
  for (const rows of out.values()) rows.sort((a, b) => Number(a[0]) - Number(b[0]));
  return out;
}

/**
 * `columnar`: as the parse worker decodes (direct rows, strings packed, recycled buffers handed
 * back while decoding); else through record objects only.
 */
function decode(cat: Catalogue, bytes: Uint8Array, columnar: boolean): { rows: Rows; summary: SimpletraceSummary } {
  const batches: RecordBatch[] = [];
  const pool = columnar ? new BufferPool() : null;
  const seen: RecordBatch[] = [];
  const batcher = new RecordBatcher((b) => void batches.push(b), columnar, pool);
  const recordsOnly: RecordSink = { event: (r) => batcher.event(r), unparsed: (r) => batcher.unparsed(r), dropped: (r) => batcher.dropped(r), lossy: (r) => batcher.lossy(r) };
  const sink = columnar ? batcher : recordsOnly;
  const dec = new SimpletraceDecoder({ file: 'test.simple', catalogue: cat });
  // Uneven chunks, so records straddle chunk boundaries.
  for (let i = 0, k = 1; i < bytes.length; k++) {
    const n = Math.min(bytes.length - i, 1013 * k);
    dec.push(bytes.subarray(i, i + n), sink);
    i += n;
    // Read what was shipped so far and recycle its buffers, as the appending thread does:
    // a reused buffer must not leak a previous batch's values into a new one.
    if (pool !== null && batches.length > seen.length) {
      const fresh = batches.splice(0);
      for (const b of fresh) seen.push(snapshot(b));
      for (const b of fresh) for (const buf of batchBuffers(b)) pool.put(buf);
    }
  }
  const summary = dec.end(sink);
  batcher.flushAll();
  const all = [...seen, ...batches];
  return { rows: pool === null ? tables(all) : merge(all), summary };
}

/** A batch read into rows before its buffers are recycled. */
interface Snap extends RecordBatch {
  readonly rows?: unknown[][];
}

function snapshot(b: RecordBatch): Snap {
  const cols = b.columns.map((c) => Column.wrap(c.type, c.data, c.validity, c.hasNull, c.strings, c.packed));
  const rows: unknown[][] = [];
  for (let i = 0; i < b.n; i++) rows.push(cols.map((c) => c.get(i)));
  return { ...b, rows };
}

function merge(batches: Snap[]): Rows {
  const out: Rows = new Map();
  for (const b of batches) {
    const key = b.kind === 'event' ? (b.name as string) : b.kind;
    const rows = out.get(key) ?? [];
    if (b.rows !== undefined) rows.push(...b.rows);
    else {
      const cols = b.columns.map((c) => Column.wrap(c.type, c.data, c.validity, c.hasNull, c.strings, c.packed));
      for (let i = 0; i < b.n; i++) rows.push(cols.map((c) => c.get(i)));
    }
    out.set(key, rows);
  }
  for (const rows of out.values()) rows.sort((a, b) => Number(a[0]) - Number(b[0]));
  return out;
}

/** Row by row, failing on the first difference (a diff of a million rows would take minutes). */
function sameRows(name: string, got: unknown[][], want: unknown[][]): void {
  expect(got.length, `${name}: rows`).toBe(want.length);
  const i = want.findIndex((r, k) => r.length !== got[k].length || r.some((v, c) => !Object.is(v, got[k][c])));
  if (i >= 0) expect(got[i], `${name}: row ${i}`).toEqual(want[i]);
}

const CAT = path.join(SAMPLES, 'qemu-10.2.50/a-precopy/trace-events-all');

/** Records after a real file's own: strings of every kind, drops, a mismatch; optionally a cut last record. */
function edgeRecords(cat: Catalogue, pid: number, cut: boolean): Uint8Array {
  const w = new SimpletraceWriter({ littleEndian: true, version: 4, headerless: true });
  const ram = cat.get('ram_save_page')!;
  const loop = cat.get('vmstate_save_state_loop')!;
  const section = cat.get('savevm_section_start')!;
  w.mapping(900001, 'ram_save_page').mapping(900002, 'vmstate_save_state_loop').mapping(900003, 'savevm_section_start');
  let ts = 1_800_000_000_000_000_000n;
  const next = () => (ts += 1000n);
  w.event(900001, next(), pid, ram.args, ['pc.ram', 0xffffffffffffffffn, 0n]);
  w.event(900001, next(), pid, ram.args, ['twelve.chars', 1n, 0x7f0000000000n]);
  w.event(900001, next(), pid, ram.args, ['thirteen.char', 2n, 1n]);
  w.event(900001, next(), pid, ram.args, ['', 3n, 2n]);
  w.event(900001, next(), pid, ram.args, ['mémoire', 4n, 3n]);
  w.dropped(next(), pid, 17n);
  w.event(900002, next(), pid, loop.args, ['a state name longer than twelve', 'f', -1]);
  w.event(900003, next(), pid, section.args, ['ram', 0xffffffff]);
  // Invalid UTF-8 in a string (kept exactly in `lossy`), then a payload one byte short.
  const bad = Buffer.from([6, 0, 0, 0, 0x70, 0x63, 0xff, 0xfe, 0x72, 0x6d, ...new Array(16).fill(0)]);
  w.rawEvent(900001, next(), pid, bad);
  w.rawEvent(900003, next(), pid, new Uint8Array(11));
  w.dropped(next(), pid, 1n);
  w.event(900001, next(), pid, ram.args, ['pc.ram', 5n, 4n]);
  const out = w.bytes();
  return cut ? out.subarray(0, out.length - 7) : out;
}

describe('simpletrace: columns straight from the bytes equal the record way', () => {
  const cat = loadCatalogueFile(CAT);
  for (const [sample, cut] of [
    ['qemu-10.2.50/a-precopy/src.simple.gz', false],
    ['qemu-10.2.50/a-precopy/dst.simple.gz', true],
  ] as const) {
    it(`${sample} plus edge records${cut ? ', last record cut' : ''}`, () => {
      const real = gunzipSync(readFileSync(path.join(SAMPLES, sample)));
      const pid = 4242;
      const bytes = Buffer.concat([real, edgeRecords(cat, pid, cut)]);
      const fast = decode(cat, bytes, true);
      const slow = decode(cat, bytes, false);
      expect(fast.summary).toEqual(slow.summary);
      expect([...fast.rows.keys()].sort()).toEqual([...slow.rows.keys()].sort());
      for (const [name, rows] of slow.rows) sameRows(name, fast.rows.get(name) ?? [], rows);

      // The edge records did what they should (columns: seq, ts_ns, tid, pid, args...).
      const ram = (fast.rows.get('ram_save_page') as unknown[][]).filter((r) => (r[1] as bigint) >= 1_800_000_000_000_000_000n);
      expect(ram.map((r) => [r[4], r[5]])).toEqual([
        ['pc.ram', 0xffffffffffffffffn],
        ['twelve.chars', 1n],
        ['thirteen.char', 2n],
        ['', 3n],
        ['mémoire', 4n],
        ['pc\ufffd\ufffdrm', 0n],
        ...(cut ? [] : [['pc.ram', 5n]]),
      ]);
      expect(ram.every((r) => r[2] === null && r[3] === pid)).toBe(true);
      const loop = (fast.rows.get('vmstate_save_state_loop') as unknown[][]).find((r) => r[4] === 'a state name longer than twelve');
      expect(loop?.slice(5)).toEqual(['f', -1]);
      expect((fast.rows.get('savevm_section_start') as unknown[][]).some((r) => r[4] === 'ram' && r[5] === 4294967295)).toBe(true);
      const dropped = fast.rows.get('dropped') as unknown[][];
      expect(dropped.slice(-2).map((r) => r[3])).toEqual([17n, 1n]);
      expect((fast.rows.get('lossy') as unknown[][]).map((r) => [r[2], r[3], r[4]])).toEqual([['ram_save_page', 'rbname', '7063fffe726d']]);
      const reasons = (fast.rows.get('unparsed') as unknown[][]).map((r) => String(r[7]));
      expect(reasons.filter((r) => r.startsWith('signature mismatch'))).toHaveLength(1);
      if (cut) {
        // The last record (8 + 24 + 26 bytes) lost its last 7 bytes.
        expect(fast.summary.truncatedAt).toBe(bytes.length - 51);
        expect(fast.summary.error).toBe(`test.simple: offset ${bytes.length - 51}: truncated record (51 of 58 bytes of an event)`);
      } else expect(fast.summary.error).toBeNull();
    });
  }
});
