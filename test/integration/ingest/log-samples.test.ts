// Acceptance on the real QEMU 7.2.22 log traces: typed tables agree with the raw lines, with
// QEMU's own query-migrate accounting and with the scenario manifests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { expectNoGluedNewlines } from '../../helpers/newlines.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const LOG = path.join(SAMPLES, 'qemu-7.2.22-log');

function readText(file: string): string {
  const buf = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

/** Event counts straight from the raw text, independent of the engine's parser. */
function rawCounts(file: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of readText(file).split('\n')) {
    const r = /^\d+@\d+\.\d{6}:([A-Za-z0-9_]+)(?: |$)/.exec(line) ?? /^([A-Za-z0-9_]+)(?: |$)/.exec(line);
    if (r) m.set(r[1], (m.get(r[1]) ?? 0) + 1);
  }
  return m;
}

async function rows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

async function countsFor(engine: WorkspaceEngine, traceId: number): Promise<Map<string, number>> {
  const r = await rows(engine, `SELECT name, count(*) FROM events WHERE trace_id = ${traceId} GROUP BY name`);
  return new Map(r.map(([n, c]) => [String(n), Number(c)]));
}

function manifest(scenario: string) {
  return JSON.parse(readFileSync(path.join(LOG, scenario, 'manifest.json'), 'utf8'));
}
function queryMigrate(scenario: string) {
  return JSON.parse(readFileSync(path.join(LOG, scenario, 'query-migrate.json'), 'utf8'));
}

function traceFile(scenario: string, side: 'src' | 'dst'): string {
  const m = manifest(scenario);
  return path.join(LOG, scenario, m.files[`${side}_log`]);
}

describe.each(['a-precopy', 'b-multifd4'])('QEMU 7.2.22 log sample %s', (scenario) => {
  const tmp = scratch();
  let engine: WorkspaceEngine;
  const ids: Record<'src' | 'dst', number> = { src: 0, dst: 0 };

  beforeAll(async () => {
    engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    // Sides come from content: give the files as plain inputs, in dst-then-src order.
    const r = await engine.openInputs([traceFile(scenario, 'dst'), traceFile(scenario, 'src')], { catalogues: [DEBIAN_72] });
    expect(r.errors).toEqual([]);
    for (const t of r.traces) if (t.side) ids[t.side] = t.traceId;
  });
  afterAll(async () => {
    if (engine !== undefined) await expectNoGluedNewlines(engine);
    engine?.close();
    tmp.cleanup();
  });

  it('detects source and destination from content', () => {
    expect(ids.src).toBeGreaterThan(0);
    expect(ids.dst).toBeGreaterThan(0);
    expect(ids.src).not.toBe(ids.dst);
  });

  it('types every line: 0 unparsed, per-event counts equal the raw line counts', async () => {
    for (const side of ['src', 'dst'] as const) {
      const raw = rawCounts(traceFile(scenario, side));
      const got = await countsFor(engine, ids[side]);
      expect(got).toEqual(raw);
      const [[unparsed, records]] = await rows(engine, `SELECT unparsed, records FROM traces WHERE trace_id = ${ids[side]}`);
      expect(Number(unparsed)).toBe(0);
      expect(Number(records)).toBe([...raw.values()].reduce((a, b) => a + b, 0));
      expect(Number(records)).toBe(manifest(scenario).logs[side].lines);
    }
  });

  it('agrees with query-migrate: dirty syncs (and normal pages without multifd)', async () => {
    const qm = queryMigrate(scenario);
    const [[syncs]] = await rows(engine, `SELECT count(*) FROM migration_bitmap_sync_start WHERE side = 'src'`);
    expect(Number(syncs)).toBe(qm.ram['dirty-sync-count']);
    if (scenario === 'a-precopy') {
      const [[pages]] = await rows(engine, `SELECT count(*) FROM ram_save_page WHERE side = 'src'`);
      expect(Number(pages)).toBe(qm.ram.normal);
    }
  });

  it('migrate_set_state sequences equal the manifest', async () => {
    const m = manifest(scenario);
    const src = await rows(engine, `SELECT new_state FROM migrate_set_state WHERE side = 'src' ORDER BY seq`);
    expect(src.map((r) => r[0])).toEqual(m.facts_from_traces.src.migrate_set_state_sequence);
    const dst = await rows(engine, `SELECT new_state FROM migrate_set_state WHERE side = 'dst' ORDER BY seq`);
    expect(dst.map((r) => r[0])).toEqual(m.facts_from_traces.dst.migrate_set_state_sequence);
  });

  it('keeps exact timestamps and thread ids from the prefix', async () => {
    const first = readText(traceFile(scenario, 'src')).split('\n', 1)[0];
    const [, tid, sec, usec] = /^(\d+)@(\d+)\.(\d{6}):/.exec(first)!;
    const [[ts, t]] = await rows(engine, `SELECT ts_ns, tid FROM events WHERE trace_id = ${ids.src} ORDER BY seq LIMIT 1`);
    expect(ts).toBe(BigInt(sec) * 1_000_000_000n + BigInt(usec) * 1000n);
    expect(t).toBe(Number(tid));
  });

  if (scenario === 'b-multifd4') {
    it('sees multifd channels 0-3 on both sides', async () => {
      const src = await rows(engine, `SELECT DISTINCT id FROM multifd_send ORDER BY id`);
      const dst = await rows(engine, `SELECT DISTINCT id FROM multifd_recv ORDER BY id`);
      expect(src.map((r) => Number(r[0]))).toEqual([0, 1, 2, 3]);
      expect(dst.map((r) => Number(r[0]))).toEqual([0, 1, 2, 3]);
      const m = manifest(scenario).facts_from_traces.src;
      const ends = await rows(engine, `SELECT id, packets, normal_pages FROM multifd_send_thread_end ORDER BY id`);
      expect(ends.map(([id, packets, pages]) => ({ channel: Number(id), packets: Number(packets), pages: Number(pages) }))).toEqual(
        m.multifd_send_thread_end.map((x: { channel: number; packets: number; pages: number }) => ({ channel: x.channel, packets: x.packets, pages: x.pages })),
      );
    });
  }
});

describe('no-prefix multifd logs', () => {
  it.each(['src', 'dst'])('%s parses with 0 unparsed', async (side) => {
    const tmp = scratch();
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    try {
      const file = path.join(LOG, `qemu-7.2.22-log-nots-multifd-${side}.log`);
      const r = await engine.openInputs([file], { catalogues: [DEBIAN_72] });
      expect(r.errors).toEqual([]);
      expect(r.traces).toHaveLength(1);
      const t = r.traces[0];
      expect(t.unparsed).toBe(0);
      expect(t.prefixStyle).toBe('none');
      expect(t.side).toBe(side);
      const raw = rawCounts(file);
      expect(await countsFor(engine, t.traceId)).toEqual(raw);
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
      tmp.cleanup();
    }
  });
});
