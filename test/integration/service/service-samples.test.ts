// EngineService on real QEMU 7.2.22 traces (a-precopy, source + destination, ingested once
// through an openInputs job): schema docs, catalogue tree counts, timeline lanes and thread
// names, chart data, event rows, exports, and job events including cancel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { EngineEvent, QueryFailure, WireCell } from '../../../src-main/contract.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const DIR = path.join(SAMPLES, 'qemu-7.2.22-log', 'a-precopy');
const SRC = path.join(DIR, 'src.log.gz');
const DST = path.join(DIR, 'dst.log.gz');

interface RawLine {
  readonly tid: number;
  readonly name: string;
  readonly tsUs: bigint;
}

/** The log lines parsed here, independently of the engine: `TID@SEC.USEC:name args`. */
function rawLines(file: string): RawLine[] {
  const out: RawLine[] = [];
  for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
    const m = /^(\d+)@(\d+)\.(\d{6}):([A-Za-z0-9_]+)/.exec(line);
    if (m) out.push({ tid: Number(m[1]), name: m[4], tsUs: BigInt(m[2]) * 1_000_000n + BigInt(m[3]) });
  }
  return out;
}

/** A catalogue line and the `# file` comment above it, read straight from the file. */
function catalogueEntry(name: string): { args: string; format: string; file: string } {
  let file = '';
  for (const line of readFileSync(DEBIAN_72, 'utf8').split('\n')) {
    const c = /^#\s+(\S+\.[ch])\s*$/.exec(line);
    if (c) file = c[1];
    const m = new RegExp(`^${name}\\((.*)\\) "(.*)"$`).exec(line);
    if (m) return { args: m[1], format: m[2], file };
  }
  throw new Error(`${name} not in catalogue`);
}

const tmp = scratch('qtw-svc-samples-');
let svc: EngineService;
const events: EngineEvent[] = [];
let jobId = 0;
let ids = { src: 0, dst: 0 };

async function rows(sql: string): Promise<WireCell[][]> {
  const r = await svc.call('runQuery', { sql });
  const out: WireCell[][] = [];
  for (let off = 0; off < r.rowCount; off += 5000) {
    out.push(...(await svc.call('fetchRows', { handle: r.handle, offset: off, count: 5000, sort: null })).rows.map((x) => [...x]));
  }
  await svc.call('releaseResult', { handle: r.handle });
  return out;
}

beforeAll(async () => {
  svc = await EngineService.open(path.join(tmp.dir, 'ws.duckdb'), { host: 'server' });
  svc.onEvent((e) => {
    events.push(e);
  });
  ({ jobId } = await svc.call('openInputs', { paths: [DST, SRC], options: { catalogues: [DEBIAN_72] } }));
  await svc.jobsIdle();
  for (const t of await svc.call('listTraces', {})) if (t.side) ids = { ...ids, [t.side]: t.traceId };
}, 120_000);
afterAll(async () => {
  await svc?.close();
  tmp.cleanup();
});

describe('ingest job events', () => {
  it('reports progress, then done with both traces, then tracesChanged', () => {
    const mine = events.filter((e) => 'jobId' in e && e.jobId === jobId);
    const progress = mine.filter((e) => e.type === 'ingestProgress');
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) if (p.type === 'ingestProgress') expect(p.progress.bytesRead).toBeLessThanOrEqual(p.progress.bytesTotal);
    // Progress comes before the job's done event. Its rate (about 5/s) is a bench figure.
    expect(mine.findIndex((e) => e.type === 'ingestProgress')).toBeLessThan(mine.findIndex((e) => e.type === 'ingestDone'));
    const doneAt = events.findIndex((e) => e.type === 'ingestDone' && e.jobId === jobId);
    expect(doneAt).toBeGreaterThan(0);
    const done = events[doneAt];
    expect(done.type === 'ingestDone' && done.summary.traces.map((t) => t.side).sort()).toEqual(['dst', 'src']);
    expect(done.type === 'ingestDone' && done.summary.cancelled).toBe(false);
    expect(events.slice(doneAt + 1).some((e) => e.type === 'tracesChanged')).toBe(true);
    expect(events.findIndex((e) => e.type === 'tracesChanged')).toBeGreaterThan(doneAt);
  });

  it('cancels a running job and a queued one', async () => {
    const seen: EngineEvent[] = [];
    const off = svc.onEvent((e) => seen.push(e));
    const other = path.join(SAMPLES, 'qemu-7.2.22-log', 'b-multifd4');
    const a = await svc.call('openInputs', { paths: [other], options: { catalogues: [DEBIAN_72] } });
    const b = await svc.call('openInputs', { paths: [path.join(other, 'dst.log.gz')], options: { catalogues: [DEBIAN_72] } });
    expect(await svc.call('cancelJob', { jobId: b.jobId })).toEqual({ cancelled: true });
    expect(await svc.call('cancelJob', { jobId: a.jobId })).toEqual({ cancelled: true });
    expect(await svc.call('cancelJob', { jobId: 999_999 })).toEqual({ cancelled: false });
    await svc.jobsIdle();
    off();
    for (const id of [a.jobId, b.jobId]) {
      const d = seen.find((e) => e.type === 'ingestDone' && e.jobId === id);
      expect(d?.type === 'ingestDone' && d.summary.cancelled).toBe(true);
    }
    // Nothing of the cancelled inputs was committed.
    expect((await svc.call('listTraces', {})).length).toBe(2);
  });
});

describe('schema', () => {
  it('lists migrate_set_state as an event table with typed columns and its catalogue entry', async () => {
    const s = await svc.call('schema', {});
    const t = s.tables.find((x) => x.name === 'migrate_set_state');
    expect(t?.kind).toBe('event');
    const entry = catalogueEntry('migrate_set_state');
    expect(t?.doc?.signature).toBe(`migrate_set_state(${entry.args})`);
    expect(t?.doc?.format).toBe(entry.format);
    expect(t?.doc?.sourceFile).toBe(entry.file);
    expect(t?.doc?.catalogueName).toMatch(/7\.2/);
    expect(t?.columns.map((c) => c.name)).toEqual(['trace_id', 'side', 'seq', 'ts_ns', 'tid', 'pid', 'new_state']);
    expect(t?.columns.find((c) => c.name === 'new_state')).toEqual({ name: 'new_state', type: 'VARCHAR', ctype: entry.args });
    expect(t?.columns.find((c) => c.name === 'ts_ns')?.ctype).toBeNull();
    const raw = [...rawLines(SRC), ...rawLines(DST)].filter((l) => l.name === 'migrate_set_state').length;
    expect(t?.rows).toBe(raw);
    const rsp = s.tables.find((x) => x.name === 'ram_save_page');
    expect(rsp?.columns.find((c) => c.name === 'offset')?.type).toBe('UBIGINT');
    expect(rsp?.columns.find((c) => c.name === 'host')).toMatchObject({ type: 'UBIGINT', ctype: 'void *host' });
    expect(s.tables.find((x) => x.name === 'events')?.kind).toBe('view');
    expect(s.tables.find((x) => x.name === 'traces')?.kind).toBe('table');
    expect(s.functions).toContain('arg_max');
    expect(s.keywords.map((k) => k.toLowerCase())).toContain('select');
  });
});

describe('catalogue tree', () => {
  it('counts every event per trace exactly as the tables do', async () => {
    const trees = await svc.call('catalogueTree', {});
    expect(trees).toHaveLength(1);
    const tree = trees[0];
    const byName = new Map(tree.events.map((e) => [e.name, e]));
    const counted = await rows(`SELECT name, trace_id, count(*) FROM events GROUP BY ALL`);
    for (const [name, traceId, n] of counted) {
      const e = byName.get(String(name));
      expect(e?.hasTable, String(name)).toBe(true);
      expect(e?.counts[String(traceId)]).toBe(n);
    }
    const withTable = tree.events.filter((e) => e.hasTable);
    for (const e of withTable.slice(0, 8)) {
      const [[n]] = await rows(`SELECT count(*) FROM "${e.name}"`);
      expect(e.total).toBe(n);
    }
    // And against the raw text: ram_save_page lines of the source log.
    const rsp = byName.get('ram_save_page');
    expect(rsp?.counts[String(ids.src)]).toBe(rawLines(SRC).filter((l) => l.name === 'ram_save_page').length);
    expect(rsp?.counts[String(ids.dst)]).toBe(0);
    expect(rsp?.subsystem).toBe(catalogueEntry('ram_save_page').file.replace(/\.c$/, ''));
    expect(tree.events.filter((e) => !e.hasTable).every((e) => e.total === 0)).toBe(true);
  });
});

describe('timeline', () => {
  it('has one lane per (trace, thread) on both sides, named where QEMU says which thread it is', async () => {
    const tl = await svc.call('timeline', { runId: null, traceIds: null, fromNs: null, toNs: null, namePattern: null, maxEvents: 200_000 });
    const src = rawLines(SRC);
    const dst = rawLines(DST);
    const expected = [...new Set(src.map((l) => `${ids.src}:${l.tid}`)), ...new Set(dst.map((l) => `${ids.dst}:${l.tid}`))].sort();
    expect(tl.lanes.map((l) => `${l.traceId}:${l.tid}`).sort()).toEqual(expected);
    expect(new Set(tl.lanes.map((l) => l.side))).toEqual(new Set(['src', 'dst']));
    const migTid = src.find((l) => l.name === 'migration_thread_setup_complete')?.tid;
    expect(tl.lanes.find((l) => l.traceId === ids.src && l.tid === migTid)?.threadName).toBe('live_migration');
    expect(tl.truncated).toBe(false);
    expect(tl.totalInWindow).toBe(src.length + dst.length);
    expect(tl.events).toHaveLength(src.length + dst.length);
    // Times are ns from the earliest event of the workspace.
    const first = [...src, ...dst].reduce((a, l) => (l.tsUs < a ? l.tsUs : a), src[0].tsUs);
    expect(tl.originNs).toBe((first * 1000n).toString());
    expect(tl.events[0].t).toBe(0);
  });

  it('thins evenly per lane when the window holds more than maxEvents', async () => {
    const tl = await svc.call('timeline', { runId: null, traceIds: null, fromNs: null, toNs: null, namePattern: null, maxEvents: 1000 });
    expect(tl.truncated).toBe(true);
    expect(tl.events.length).toBeLessThanOrEqual(1000);
    expect(tl.events.length).toBeGreaterThan(900);
    // Sparse lanes (a handful of QMP/main-loop events) are complete.
    for (const lane of tl.lanes.filter((l) => l.events > 0 && l.events < 50)) {
      expect(tl.events.filter((e) => e.laneId === lane.laneId)).toHaveLength(lane.events);
    }
  });

  it('filters by name glob and by window', async () => {
    const src = rawLines(SRC);
    const dst = rawLines(DST);
    const states = [...src, ...dst].filter((l) => l.name.startsWith('migrate_set_'));
    const tl = await svc.call('timeline', { runId: null, traceIds: null, fromNs: null, toNs: null, namePattern: 'migrate_set_*', maxEvents: 10_000 });
    expect(tl.events.length).toBe(states.length);
    expect(new Set(tl.events.map((e) => e.name))).toEqual(new Set(states.map((l) => l.name)));
    const mid = src[Math.floor(src.length / 2)].tsUs * 1000n;
    const half = await svc.call('timeline', { runId: null, traceIds: null, fromNs: mid.toString(), toNs: null, namePattern: 'ram_save_page', maxEvents: 200_000 });
    expect(half.totalInWindow).toBe(src.filter((l) => l.name === 'ram_save_page' && l.tsUs * 1000n >= mid).length);
  });
});

describe('charts, rows and export on event tables', () => {
  it('charts ram_save_page offsets over time, downsampled', async () => {
    const r = await svc.call('runQuery', { sql: 'SELECT ts_ns, "offset" FROM ram_save_page ORDER BY ts_ns' });
    const sug = await svc.call('suggestChart', { handle: r.handle });
    expect(sug.spec).toMatchObject({ kind: 'line', x: 'ts_ns', y: ['offset'] });
    const d = await svc.call('chartData', { handle: r.handle, spec: { ...sug.spec!, maxPoints: 500 } });
    expect(d.sourceRows).toBe(rawLines(SRC).filter((l) => l.name === 'ram_save_page').length);
    expect(d.series).toHaveLength(1);
    expect(d.series[0].x.length).toBeLessThanOrEqual(500);
    expect(d.sampled).toBe(true);
    const [[minTs, maxOff]] = await rows('SELECT min(ts_ns), max("offset") FROM ram_save_page');
    expect(d.series[0].x[0]).toBeCloseTo(Number(minTs) / 1e6, 3);
    // LTTB keeps the shape, not every peak: the top of the kept points is near the true top.
    const top = Math.max(...d.series[0].y);
    expect(top).toBeLessThanOrEqual(Number(maxOff));
    expect(top).toBeGreaterThan(0.99 * Number(maxOff));
    const h = await svc.call('chartData', { handle: r.handle, spec: { kind: 'histogram', x: 'offset', y: [], series: null, maxPoints: 100, bins: 20 } });
    expect(h.series[0].y.reduce((a, b) => a + b, 0)).toBe(d.sourceRows);
    const bar = await svc.call('runQuery', { sql: 'SELECT name, count(*) AS n FROM events GROUP BY name ORDER BY n DESC' });
    const b = await svc.call('chartData', { handle: bar.handle, spec: { kind: 'bar', x: 'name', y: ['n'], series: null, maxPoints: 5 } });
    expect(b.xType).toBe('category');
    expect(b.series[0].x).toHaveLength(5);
    expect(b.series[0].x[0]).toBe('ram_load_loop');
    expect(b.sampled).toBe(true);
  });

  it('returns one event row by trace and seq, and refuses unknown event names', async () => {
    const [[traceId, seq, state]] = await rows(`SELECT trace_id, seq, new_state FROM migrate_set_state WHERE side = 'src' ORDER BY seq LIMIT 1`);
    const d = await svc.call('eventRow', { name: 'migrate_set_state', traceId: Number(traceId), seq: Number(seq) });
    expect(d.columns.map((c) => c.name)).toContain('new_state');
    expect(d.row?.[d.columns.findIndex((c) => c.name === 'new_state')]).toBe(state);
    expect(state).toBe('setup');
    expect((await svc.call('eventRow', { name: 'migrate_set_state', traceId: Number(traceId), seq: 99_999_999 })).row).toBeNull();
    for (const name of ['nosuch_event', 'migrate_set_state" WHERE 1=1; --', 'traces']) {
      const f = await svc.call('eventRow', { name, traceId: 1, seq: 0 }).then(
        () => null,
        (e: QueryFailure) => e,
      );
      expect(f?.message).toMatch(/no event table/);
    }
  });

  it('exports a result to CSV, Parquet and JSON that DuckDB reads back identically', async () => {
    const sql = 'SELECT trace_id, side, seq, ts_ns, new_state FROM migrate_set_state ORDER BY trace_id, seq';
    const r = await svc.call('runQuery', { sql });
    const want = (await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 5000, sort: null })).rows.map((x) => x.map(String));
    const check = await DuckDBInstance.create(':memory:');
    const c = await check.connect();
    for (const format of ['csv', 'parquet', 'json'] as const) {
      const out = path.join(tmp.dir, `states.${format}`);
      expect(await svc.call('exportResult', { handle: r.handle, format, path: out })).toEqual({ path: out, rows: want.length });
      const back = (await c.runAndReadAll(`SELECT * FROM '${out}'`)).getRowsJS().map((x) => x.map(String));
      expect(back, format).toEqual(want);
    }
    c.closeSync();
    check.closeSync();
    expect(
      await svc.call('exportResult', { handle: r.handle, format: 'csv', path: 'relative.csv' }).then(
        () => null,
        (e: QueryFailure) => e.message,
      ),
    ).toMatch(/absolute/);
  });
});
