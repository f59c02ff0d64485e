// The parse workers (used for large traces) must give exactly the tables in-thread decoding
// gives: one worker decoding the stream, and several decoding a log cut into segments.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { WorkspaceEngine } from '../../../../src-main/service/workspace-engine.ts';
import { segmentedStats } from '../../../../src-main/ingest/pipeline/parse-segmented.ts';
import { MAX_BYTES_IN_FLIGHT, pipelineStats } from '../../../../src-main/ingest/pipeline/parse-pipeline.ts';
import { BufferReturn } from '../../../../src-main/ingest/pipeline/buffer-pool.ts';
import { generateLog } from '../../../bench/generate.ts';
import { SimpletraceWriter } from '../../../helpers/simpletrace-writer.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../../helpers/paths.ts';

const tmp = scratch();
afterAll(() => tmp.cleanup());
const DIR = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const CAT = path.join(DIR, 'trace-events-all');

/**
 * A real 7.2 log with, every few hundred lines, what a segment cut must not split: a
 * multi-line message, a foreign line, an unknown event, a message that does not fit, and once
 * a run of continuation-like lines longer than any record may reach.
 */
function seededLog(): string {
  const lines = gunzipSync(readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz'))).toString('latin1').split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    out.push(l);
    if (i % 337 === 5) {
      out.push('4242@1795635776.000002:vmstate_load_field_error field "first', 'second', 'third" load failed, ret = -5');
      out.push('a foreign line', '4242@1795635776.000005:no_such_event x=1', '4242@1795635776.000004:ram_save_page pc.ram: offset: 0x1 host: 0xZZ');
      // Latin-1 bytes (written as such below): not UTF-8, so decoded lossily and kept in `lossy`.
      out.push(`4242@1795635776.000006:savevm_section_start caf\xe9-${i}, section_id 3`, 'foreign \xff\xfe');
    }
    if (i === 2000) {
      out.push('4242@1795635776.000002:vmstate_load_field_error field "long');
      for (let k = 0; k < 5000; k++) out.push(`continued ${k}`);
      out.push('" load failed, ret = 1');
    }
  });
  const file = path.join(tmp.dir, 'seeded.log');
  writeFileSync(file, out.join('\n'), 'latin1');
  return file;
}

/**
 * A simpletrace stream whose `ram_save_page` names take every path a string can: short ASCII
 * (laid out for DuckDB straight from the bytes in a worker), exactly 12 and 13 bytes, empty,
 * UTF-8, bytes that are not UTF-8, long ones, and runs of the same name.
 */
function stringsSimple(): string {
  const names: Uint8Array[] = ['pc.ram', 'pc.ram', '', 'a', '123456789012', '1234567890123', 'vga.vram', 'pc.ram', 'caf\u00e9', '/rom@etc/acpi/tables', 'x'.repeat(300)].map(
    (s) => new TextEncoder().encode(s),
  );
  names.push(Uint8Array.from([0x70, 0x63, 0xff, 0x2e]), Uint8Array.from([0x80]));
  const w = new SimpletraceWriter({ littleEndian: true, version: 4 }).mapping(7, 'ram_save_page');
  for (let i = 0; i < 10000; i++) {
    const name = names[(i * 7) % names.length];
    const payload = Buffer.alloc(4 + name.length + 16);
    payload.writeUInt32LE(name.length, 0);
    payload.set(name, 4);
    payload.writeBigUInt64LE(BigInt(i) * 4096n, 4 + name.length);
    payload.writeBigUInt64LE(0x7f0000000000n + BigInt(i), 12 + name.length);
    w.rawEvent(7, 1000n + BigInt(i), 4242, payload);
  }
  const file = path.join(tmp.dir, 'strings.simple');
  writeFileSync(file, w.bytes());
  return file;
}

async function snapshot(label: string, env: Record<string, string>, inputs: string[]): Promise<Record<string, unknown[][]>> {
  const prev = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, `${label}.duckdb`));
  try {
    const r = await engine.openInputs(inputs, { catalogues: [CAT, DEBIAN_72] });
    expect(r.errors).toEqual([]);
    expect(r.traces).toHaveLength(inputs.length);
    const out: Record<string, unknown[][]> = {};
    const rows = async (sql: string) => {
      const acc: unknown[][] = [];
      await engine.streamQuery(sql, { columns() {}, rows: (x) => void acc.push(...x) });
      return acc;
    };
    out.traces = await rows(
      `SELECT trace_id, format, prefix_style, side, records, events, unparsed, first_ts_ns, last_ts_ns, sha256, bytes, catalogue_id, pid FROM traces ORDER BY trace_id`,
    );
    // The process counted while decoding is the one the trace's rows show most often.
    out.pidByQuery = await rows(
      `SELECT t.trace_id, (SELECT pid FROM events e WHERE e.trace_id = t.trace_id AND pid IS NOT NULL AND pid <> 0 GROUP BY pid ORDER BY count(*) DESC, pid LIMIT 1) FROM traces t ORDER BY 1`,
    );
    expect(out.traces.map((t) => [t[0], t[12]])).toEqual(out.pidByQuery);
    out.unparsed = await rows(`SELECT * FROM unparsed ORDER BY trace_id, seq`);
    out.lossy = await rows(`SELECT * FROM lossy ORDER BY trace_id, seq, line_no`);
    for (const [name] of await rows(`SELECT DISTINCT name FROM events ORDER BY 1`)) {
      out[String(name)] = await rows(`SELECT * FROM "${name}" ORDER BY trace_id, seq`);
    }
    return out;
  } finally {
    engine.close();
    for (const [k, v] of Object.entries(prev)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('parse workers', () => {
  const seeded = seededLog();
  const inputs = [path.join(DIR, 'src.log.gz'), path.join(DIR, 'dst.simple.gz'), seeded, stringsSimple()];
  let inThread: Record<string, unknown[][]>;

  it('in-thread decoding of the inputs', async () => {
    inThread = await snapshot('thread', { QTW_PARSE_WORKER: '0' }, inputs);
    expect(Object.keys(inThread).length).toBeGreaterThan(50);
    // The seeded lines are there: multi-line values, and the misfits in `unparsed`.
    expect((inThread.vmstate_load_field_error ?? []).some((r) => r.includes('first\nsecond\nthird'))).toBe(true);
    expect(inThread.unparsed.length).toBeGreaterThan(100);
    // Lossily decoded text keeps its bytes: the seeded Latin-1 lines, the strings stream's names.
    const lossyNames = new Map<string, number>();
    for (const r of inThread.lossy) lossyNames.set(String(r[3]), (lossyNames.get(String(r[3])) ?? 0) + 1);
    expect(lossyNames.get('savevm_section_start')).toBeGreaterThan(100);
    expect(lossyNames.get('null')).toBe(lossyNames.get('savevm_section_start'));
    expect(new Set(inThread.lossy.filter((r) => r[3] === 'ram_save_page').map((r) => r[5]))).toEqual(new Set(['7063ff2e', '80']));
    // Every name of the strings stream, decoded as a string would be (bad UTF-8 replaced).
    const names = new Set((inThread.ram_save_page ?? []).filter((r) => r[0] === 4).map((r) => r[6]));
    expect([...names].sort()).toEqual(['', '/rom@etc/acpi/tables', '123456789012', '1234567890123', 'a', 'caf\u00e9', 'pc.ram', 'pc\ufffd.', 'vga.vram', 'x'.repeat(300), '\ufffd'].sort());
  });

  it('one worker decoding the stream gives the same tables', async () => {
    const recycled = BufferReturn.returned;
    const worker = await snapshot('one', { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '1' }, inputs);
    expect(worker).toEqual(inThread);
    // Column buffers went back to the worker for reuse, and reused ones gave the same tables.
    expect(BufferReturn.returned - recycled).toBeGreaterThan(1000);
  });

  it('a stream worker never has more than its bound of input in hand (memory stays flat)', async () => {
    const big = generateLog(path.join(tmp.dir, 'big.log'), 2 * MAX_BYTES_IN_FLIGHT);
    pipelineStats.maxBytesInFlight = 0;
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'big.duckdb'));
    try {
      const r = await engine.openInputs([big], { catalogues: [DEBIAN_72] });
      expect(r.errors).toEqual([]);
      expect(r.traces[0].unparsed).toBe(0);
    } finally {
      engine.close();
    }
    expect(pipelineStats.maxBytesInFlight).toBeGreaterThan(MAX_BYTES_IN_FLIGHT / 2);
    expect(pipelineStats.maxBytesInFlight).toBeLessThanOrEqual(MAX_BYTES_IN_FLIGHT + (1 << 20));
  });

  it('three workers decoding small segments give the same tables, seq and line numbers included', async () => {
    const before = { ...segmentedStats };
    const recycled = BufferReturn.returned;
    const seg = await snapshot('three', { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '3', QTW_PARSE_SEGMENT_BYTES: '20000' }, inputs);
    expect(BufferReturn.returned - recycled).toBeGreaterThan(1000);
    // Both logs went through segments, many of them.
    expect(segmentedStats.pipelines - before.pipelines).toBe(2);
    expect(segmentedStats.segments - before.segments).toBeGreaterThan(50);
    expect(seg).toEqual(inThread);
  });

  it('cancelling a segmented decode leaves the workspace as it was, and the next ingest works', async () => {
    const env = { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '3', QTW_PARSE_SEGMENT_BYTES: '20000' };
    const prev = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'cancel.duckdb'));
    try {
      const ac = new AbortController();
      const r = await engine.openInputs([seeded], { catalogues: [DEBIAN_72] }, { signal: ac.signal, onProgress: () => ac.abort() });
      expect(r.cancelled).toBe(true);
      const count = async (sql: string) => {
        const acc: unknown[][] = [];
        await engine.streamQuery(sql, { columns() {}, rows: (x) => void acc.push(...x) });
        return Number(acc[0][0]);
      };
      expect(await count('SELECT count(*) FROM traces')).toBe(0);
      expect(await count('SELECT count(*) FROM unparsed')).toBe(0);
      const again = await engine.openInputs([seeded], { catalogues: [DEBIAN_72] });
      expect(again.traces).toHaveLength(1);
      // The same records as the uncancelled in-thread decode of that log (its third input).
      expect(again.traces[0].sha256).toBe(inThread.traces[2][9]);
      expect(again.traces[0].records).toBe(Number(inThread.traces[2][4]));
      expect(await count('SELECT count(*) FROM traces')).toBe(1);
    } finally {
      engine.close();
      for (const [k, v] of Object.entries(prev)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
