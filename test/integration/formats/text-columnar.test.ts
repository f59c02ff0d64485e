// The log decoder writes the usual `TID@SEC.USEC:name msg` line straight into columns
// (CompiledFormat.decodeInto, EventRows); every other line, and any sink that takes only records,
// goes through record objects. Both ways must give the same tables, value for value, on real
// traces and on the lines that leave the fast way half way (continuations, mismatches, nulls).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCatalogueFile } from '../../../src-main/catalogue/index.ts';
import type { Catalogue } from '../../../src-main/catalogue/index.ts';
import { makeDecoder } from '../../../src-main/ingest/pipeline/decoders.ts';
import { RecordBatcher } from '../../../src-main/ingest/pipeline/record-batcher.ts';
import type { RecordBatch } from '../../../src-main/workspace/record-batch.ts';
import type { RecordSink } from '../../../src-main/formats/types.ts';
import { Column } from '../../../src-main/workspace/column.ts';
import { DEBIAN_72, SAMPLES } from '../../helpers/paths.ts';

type Rows = Map<string, unknown[][]>;

/** Every row of every batch, by table (`unparsed` for unparsed rows), in seq order. */
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

function decode(cat: Catalogue, bytes: Uint8Array, columnar: boolean): Rows {
  const batches: RecordBatch[] = [];
  const batcher = new RecordBatcher((b) => void batches.push(b));
  // A sink without eventRows: the decoder must take the record way.
  const recordsOnly: RecordSink = { event: (r) => batcher.event(r), unparsed: (r) => batcher.unparsed(r), dropped: (r) => batcher.dropped(r) };
  const sink = columnar ? batcher : recordsOnly;
  const dec = makeDecoder({ kind: 'text', format: 'log' }, 'test.log', cat);
  // Uneven chunks, so lines and records straddle chunk boundaries.
  for (let i = 0, k = 1; i < bytes.length; k++) {
    const n = Math.min(bytes.length - i, 997 * k);
    dec.push(bytes.subarray(i, i + n), sink);
    i += n;
  }
  dec.end(sink);
  batcher.flushAll();
  return tables(batches);
}

const EDGE_LINES = [
  '123@1795635776.000001:migrate_set_state new state (null)',
  '123@1795635776.000002:vmstate_load_field_error field "first',
  'second" load failed, ret = -5',
  '123@1795635776.000003:ram_save_page pc.ram: offset: 0xffffffffffffffff host: (nil)',
  '123@1795635776.000004:ram_save_page pc.ram: offset: 0x1 host: 0xZZ',
  'a foreign line between records',
  '123@1795635776.000005:no_such_event x=1',
  '123@1795635776.000006:qemu_file_fclose ',
  '123@1795635776.000007:qemu_loadvm_state_section_startfull 4294967295(ram) 0 7',
  '123@9100000000.123456:qemu_loadvm_state_section_startfull 1(a name longer than thirteen) 0 7',
  '4@1795635776.000008:ram_save_page pc.ram: offset: 0x0 host: 0x7f0000000000',
  '4@1795635776.000009:vmstate_load_field_error field "x" load failed, ret = -2147483648',
  '',
];

describe('log lines: columns straight from the bytes equal the record way', () => {
  const cat = loadCatalogueFile(DEBIAN_72);

  const iso = loadCatalogueFile(path.join(SAMPLES, 'qemu-10.2.50/a-precopy/trace-events-all'));
  const samples: [string, Catalogue][] = [
    ['qemu-7.2.22-log/a-precopy/src.log.gz', cat],
    ['qemu-7.2.22-log/a-precopy/dst.log.gz', cat],
    ['qemu-7.2.22-log/b-multifd4/src.log', cat],
    // 10.1+ ISO-8601 prefixes, read from bytes too.
    ['qemu-10.2.50/a-precopy/src.log.gz', iso],
    ['qemu-10.2.50/a-precopy/dst.log.gz', iso],
  ];
  for (const [sample, catalogue] of samples) {
    it(`${sample} plus edge lines`, () => {
      const cat = catalogue;
      const raw = readFileSync(path.join(SAMPLES, sample));
      const text = Buffer.concat([sample.endsWith('.gz') ? gunzipSync(raw) : raw, Buffer.from(EDGE_LINES.join('\n'))]);
      const fast = decode(cat, text, true);
      const slow = decode(cat, text, false);
      expect([...fast.keys()].sort()).toEqual([...slow.keys()].sort());
      for (const [name, rows] of slow) expect(fast.get(name), name).toEqual(rows);
      // The edge lines did what they should.
      const ram = fast.get('ram_save_page') as unknown[][];
      expect(ram.some((r) => r[4] === 'pc.ram' && r[5] === 18446744073709551615n && r[6] === 0n)).toBe(true);
      expect((fast.get('migrate_set_state') as unknown[][]).some((r) => r[4] === null)).toBe(true);
      expect((fast.get('vmstate_load_field_error') as unknown[][]).some((r) => r[4] === 'first\nsecond' && r[5] === -5)).toBe(true);
      expect((fast.get('vmstate_load_field_error') as unknown[][]).some((r) => r[2] === 4 && r[5] === -2147483648)).toBe(true);
      const big = (fast.get('qemu_loadvm_state_section_startfull') as unknown[][]).find((r) => r[5] === 'a name longer than thirteen');
      expect(big?.[1]).toBe(9100000000123456000n);
      const reasons = (fast.get('unparsed') as unknown[][]).map((r) => r[7]);
      expect(reasons.filter((r) => String(r).startsWith('message does not match'))).toHaveLength(1);
      // A sentence after a record whose message does not match is no part of it either.
      expect(reasons).toContain('not a trace record (foreign line)');
      expect(reasons.some((r) => String(r).startsWith("unknown event 'no_such_event'"))).toBe(true);
    });
  }
});
