// Decoding real simpletrace files against independent references: the byte-by-byte worked
// examples of docs/qemu-trace-formats.md §2.3 (values read off the hex dumps by hand) and QEMU's own
// scripts/simpletrace.py output for a real QEMU 10.2.50 migration.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { buildCatalogue } from '../../../src-main/catalogue/index.ts';
import type { ArgValue, Catalogue } from '../../../src-main/catalogue/types.ts';
import { decode } from '../../helpers/simpletrace-collect.ts';
import type { Decoded } from '../../helpers/simpletrace-collect.ts';
import { formatDeltaUs, parsePyLine } from '../../helpers/simpletrace-pyformat.ts';

const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const SAMPLES = SHARED + 'samples/simpletrace/';
const PRECOPY = SHARED + 'samples/qemu-10.2.50/a-precopy/';

function catalogueAt(path: string): Catalogue {
  return buildCatalogue({ name: path, source: path, text: readFileSync(path, 'utf8'), file: path });
}

function bytesAt(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

describe('simpletrace-v4-example.bin (§2.3 worked example)', () => {
  const cat = catalogueAt(SAMPLES + 'simpletrace-v4-example.trace-events');
  const d = decode(bytesAt(SAMPLES + 'simpletrace-v4-example.bin'), cat, undefined, 'simpletrace-v4-example.bin');

  it('reads the header and the one mapping', () => {
    expect(d.summary).toMatchObject({ version: 4, littleEndian: true, headerless: false, records: 2, truncatedAt: null, error: null, mappings: 1 });
  });

  it('decodes savevm_section_start("ram", 2) at 0x40', () => {
    expect(d.events).toHaveLength(1);
    const e = d.events[0];
    expect(e.event.name).toBe('savevm_section_start');
    expect(e.seq).toBe(0);
    expect(e.offset).toBe(0x40);
    expect(e.tsNs).toBe(0x11f71fb04cbn);
    expect(e.pid).toBe(16511);
    expect(e.tid).toBeNull();
    expect(e.line).toBeNull();
    expect(e.args).toEqual(['ram', 2]);
  });

  it('decodes the dropped record at odd offset 0x6f, 5 µs later, count 3', () => {
    expect(d.dropped).toEqual([{ seq: 1, offset: 0x6f, tsNs: 0x11f71fb04cbn + 5000n, pid: 16511, count: 3n }]);
    expect(d.unparsed).toEqual([]);
  });
});

describe('simpletrace-v4-multi.bin (3 mappings, zero-arg event, empty string, int64 -1, drops)', () => {
  const cat = catalogueAt(SAMPLES + 'simpletrace-v4-multi.trace-events');
  const d = decode(bytesAt(SAMPLES + 'simpletrace-v4-multi.bin'), cat, undefined, 'simpletrace-v4-multi.bin');

  // Offsets and values read by hand from `xxd simpletrace-v4-multi.bin`:
  // mappings at 0x18 (id 0), 0x40 (id 1), 0x6f (id 2); events at 0x98, 0xc7, 0xe7; drop at 0x127.
  it('has 3 mappings and 4 records, no error', () => {
    expect(d.summary).toMatchObject({ version: 4, littleEndian: true, mappings: 3, records: 4, error: null, truncatedAt: null });
    expect(d.unparsed).toEqual([]);
  });

  it('decodes every record', () => {
    const kinds = d.records.map((x) => x.kind);
    expect(kinds).toEqual(['event', 'event', 'event', 'dropped']);
    const [a, b, c] = d.events;
    expect([a.event.name, a.offset, a.tsNs, a.pid, a.args]).toEqual(['savevm_section_start', 0x98, 0x0a3b5c2d1e00n, 4242, ['ram', 2]]);
    expect([b.event.name, b.offset, b.tsNs, b.pid, b.args]).toEqual(['migration_bitmap_sync_start', 0xc7, 0x0a3b5c2d1f00n, 4242, []]);
    expect([c.event.name, c.offset, c.tsNs, c.pid, c.args]).toEqual(['vmstate_downtime_save', 0xe7, 0x0a3b5c2e0000n, 4242, ['iterable', '', 0, -1n]]);
    expect(d.dropped).toEqual([{ seq: 3, offset: 0x127, tsNs: 0x0a3b5c2e1000n, pid: 4242, count: 7n }]);
    expect(d.records.map((x) => x.r.seq)).toEqual([0, 1, 2, 3]);
  });
});

/** The value simpletrace.py prints for one of our arguments: unsigned 64-bit, or bytes. */
function asPyNumber(v: ArgValue): bigint {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number' || typeof v === 'bigint') return BigInt.asUintN(64, BigInt(v));
  throw new Error(`not a number: ${String(v)}`);
}

function compareWithPy(d: Decoded, pyText: string): void {
  const lines = pyText.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  expect(d.unparsed).toEqual([]);
  expect(d.summary.error).toBeNull();
  expect(d.records.length).toBe(lines.length);

  const pyCounts = new Map<string, number>();
  const ourCounts = new Map<string, number>();
  const utf8 = new TextDecoder();
  let prevTs: bigint | null = null;
  let mismatches = 0;
  const firstMismatches: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const py = parsePyLine(lines[i]);
    pyCounts.set(py.name, (pyCounts.get(py.name) ?? 0) + 1);
    const rec = d.records[i];
    if (rec.kind !== 'event') throw new Error(`record ${i} is ${rec.kind}`);
    const e = rec.r;
    ourCounts.set(e.event.name, (ourCounts.get(e.event.name) ?? 0) + 1);
    const problems: string[] = [];
    if (e.seq !== i) problems.push(`seq ${e.seq}`);
    if (e.event.name !== py.name) problems.push(`name ${e.event.name}`);
    if (e.pid !== py.pid) problems.push(`pid ${e.pid}`);
    const ts = e.tsNs as bigint;
    const delta = formatDeltaUs(prevTs === null ? 0n : ts - prevTs);
    if (delta !== py.delta) problems.push(`delta ${delta} vs ${py.delta}`);
    prevTs = ts;
    if (py.args.length !== e.args.length) problems.push(`arg count ${e.args.length} vs ${py.args.length}`);
    py.args.forEach((pa, k) => {
      const spec = e.event.args[k];
      if (spec?.name !== pa.name) problems.push(`arg ${k} name ${spec?.name}`);
      const ours = e.args[k];
      if (pa.value instanceof Uint8Array) {
        if (ours !== utf8.decode(pa.value)) problems.push(`arg ${pa.name} = ${JSON.stringify(ours)}`);
      } else if (spec && /^(const )?char$/.test(spec.ctype)) {
        if (ours !== Number(pa.value & 0xffn)) problems.push(`arg ${pa.name} = ${String(ours)}`);
      } else if (asPyNumber(ours) !== pa.value) {
        problems.push(`arg ${pa.name} = ${String(ours)}`);
      }
    });
    if (problems.length > 0) {
      mismatches++;
      if (firstMismatches.length < 5) firstMismatches.push(`line ${i + 1}: ${lines[i]} :: ${problems.join(', ')}`);
    }
  }
  expect(firstMismatches).toEqual([]);
  expect(mismatches).toBe(0);
  expect(new Map([...ourCounts].sort())).toEqual(new Map([...pyCounts].sort()));
}

describe('QEMU 10.2.50 a-precopy simple files vs simpletrace.py', () => {
  const cat = catalogueAt(PRECOPY + 'trace-events-all');

  it('src.simple: every record equals simpletrace.py output', () => {
    const bytes = new Uint8Array(gunzipSync(readFileSync(PRECOPY + 'src.simple.gz')));
    const d = decode(bytes, cat, 65536, 'src.simple');
    expect(d.summary).toMatchObject({ version: 4, littleEndian: true, headerless: false, truncatedAt: null });
    // §2.10: every file starts with 5,202 mapping records; manifest says so too.
    const manifest = JSON.parse(readFileSync(PRECOPY + 'manifest.json', 'utf8')) as { qemu: { runtime_trace_event_count: number } };
    expect(d.summary.mappings).toBe(manifest.qemu.runtime_trace_event_count);
    expect(d.records[0].r.offset).toBe(219514);
    compareWithPy(d, gunzipSync(readFileSync(PRECOPY + 'simpletrace-py-output.txt.gz')).toString('latin1'));
  });

  it('dst.simple: every record equals simpletrace.py output; first is runstate_set with pid 0', () => {
    const bytes = new Uint8Array(gunzipSync(readFileSync(PRECOPY + 'dst.simple.gz')));
    const d = decode(bytes, cat, 100_003, 'dst.simple');
    const first = d.events[0];
    expect(first.seq).toBe(0);
    expect(first.event.name).toBe('runstate_set');
    expect(first.pid).toBe(0);
    expect(first.args).toEqual([6, 'prelaunch', 1, 'inmigrate']);
    compareWithPy(d, gunzipSync(readFileSync(PRECOPY + 'simpletrace-py-output-dst.txt.gz')).toString('latin1'));
  });
});
