// The Tracks view's area selection (analyses/tracks/area.ts) on the real samples: the 7.2
// multifd log and the 10.2 run (its logs, then its simpletraces made the primary traces). The
// per-event counts are checked against counts written here over each event table with the
// window moved onto each trace's clock in BigInt; the per-thread counts against the same records
// grouped by thread; the by-track durations against the migrate_set_state records clipped here.
// A copy of the 7.2 source with one foreign line is an alternate (left out) until made primary,
// then its untyped record is named in a note, not counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { areaSummary, type AreaLane } from '../../../src-main/analyses/tracks/area.ts';
import type { AreaGrouping } from '../../../src-main/contract.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { SAMPLES, scratch } from '../../helpers/paths.ts';
import { objects } from '../../helpers/query-objects.ts';

const RUN72 = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const RUN10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const UNTYPED = 'untyped';

interface RunFacts {
  runId: number;
  src: number;
  dst: number | null;
  offsets: Map<number, bigint>;
  from: bigint;
  to: bigint;
}

describe('area selection summaries on the samples', () => {
  const tmp = scratch();
  let engine: WorkspaceEngine;

  beforeAll(async () => {
    // The 7.2 multifd source log with a line of an event no catalogue has, just after the active state's.
    const lines = readFileSync(path.join(RUN72, 'src.log'), 'utf8').split('\n');
    const at = lines.findIndex((l) => /:migrate_set_state new state active$/.test(l));
    lines.splice(at + 1, 0, lines[at]!.replace(/:migrate_set_state new state active$/, ':qtw_no_such_event x 1'));
    mkdirSync(path.join(tmp.dir, UNTYPED));
    writeFileSync(path.join(tmp.dir, UNTYPED, 'src.log'), lines.join('\n'));
    engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    expect((await engine.openInputs([RUN72, RUN10, path.join(tmp.dir, UNTYPED)], {})).errors).toEqual([]);
  }, 180_000);
  afterAll(() => {
    engine?.close();
    tmp.cleanup();
  });

  /** The run whose source trace is `file`, and a window over its migration. */
  async function facts(srcFile: string): Promise<RunFacts> {
    const traces = await engine.listTraces();
    const runs = await engine.listRuns();
    const run = runs.find((r) => traces.some((t) => t.traceId === r.srcTraceId && t.path === srcFile));
    if (!run || run.srcTraceId === null) throw new Error(`no run with source ${srcFile}`);
    const rows = await objects(engine, `SELECT trace_id, coalesce(clock_offset_ns, 0) AS o FROM traces`);
    const offsets = new Map(rows.map((r) => [Number(r.trace_id), BigInt(r.o as bigint)]));
    // From the source's second state change (the setup's records are left out) to its last.
    const states = (await objects(engine, `SELECT ts_ns FROM migrate_set_state WHERE trace_id = ${run.srcTraceId} ORDER BY ts_ns, seq`)).map((r) => BigInt(r.ts_ns as bigint));
    if (states.length < 3) throw new Error(`${srcFile}: fewer than 3 state changes`);
    return { runId: run.runId, src: run.srcTraceId, dst: run.dstTraceId, offsets, from: states[1]!, to: states[states.length - 1]! };
  }

  /** Records per (side, event) of the run's two traces in the window, one count per event table. */
  async function expectedPerEvent(f: RunFacts, tids?: Map<number, number[]>): Promise<Map<string, number>> {
    const tables = (await objects(engine, 'SELECT name FROM qtw_event_tables ORDER BY name')).map((r) => String(r.name));
    const parts: string[] = [];
    for (const t of tables) {
      for (const id of [f.src, f.dst].filter((x): x is number => x !== null)) {
        const off = f.offsets.get(id) ?? 0n;
        const only = tids?.get(id);
        if (tids && !only) continue;
        parts.push(`SELECT side::VARCHAR AS side, '${t}' AS name, count(*) AS n FROM "${t}" WHERE trace_id = ${id} AND ts_ns + ${off} >= ${f.from} AND ts_ns + ${off} <= ${f.to}${only ? ` AND tid IN (${only.join(', ')})` : ''} GROUP BY side`);
      }
    }
    const out = new Map<string, number>();
    for (const r of await objects(engine, parts.join(' UNION ALL '))) {
      const k = `${String(r.side)}|${String(r.name)}`;
      out.set(k, (out.get(k) ?? 0) + Number(r.n));
    }
    return out;
  }

  async function area(f: RunFacts, groupBy: AreaGrouping, lanes: AreaLane[] | null = null, window = { from: f.from, to: f.to }) {
    const r = await areaSummary(engine.ws.conn, { runId: f.runId, from: window.from, to: window.to, groupBy, lanes });
    const rows = r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
    // The SQL as the editor runs it gives the same rows.
    const again = await objects(engine, r.sql);
    expect(again.map((x) => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))).toEqual(
      rows.map((x) => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))),
    );
    return { ...r, objs: rows };
  }

  const perEvent = (objs: Record<string, unknown>[]) => new Map(objs.map((r) => [`${String(r.side)}|${String(r.event)}`, Number(r.records)]));

  it.each([
    ['7.2 log, multifd', path.join(RUN72, 'src.log')],
    ['10.2 log', path.join(RUN10, 'src.log.gz')],
  ])('%s: per-event counts equal counts over each event table in the window', async (_name, src) => {
    const f = await facts(src);
    const r = await area(f, 'event');
    const want = await expectedPerEvent(f);
    expect(want.size).toBeGreaterThan(3);
    expect(perEvent(r.objs)).toEqual(want);
    expect(r.notes).toEqual([]);
  });

  it('10.2 simpletraces as the primary traces: their counts, the logs (now alternates) left out', async () => {
    const traces = await engine.listTraces();
    const simple = traces.filter((t) => t.path.startsWith(RUN10) && t.path.endsWith('.simple.gz'));
    expect(simple).toHaveLength(2);
    for (const t of simple) await engine.setPrimaryTrace(t.traceId);
    try {
      const f = await facts(path.join(RUN10, 'src.simple.gz'));
      expect(simple.map((t) => t.traceId).sort()).toEqual([f.src, f.dst as number].sort());
      const r = await area(f, 'event');
      const want = await expectedPerEvent(f);
      expect(want.size).toBeGreaterThan(3);
      expect(perEvent(r.objs)).toEqual(want);
      // Per thread: the same records, grouped by thread, with their distinct events.
      const th = await area(f, 'thread');
      const total = [...want.values()].reduce((a, b) => a + b, 0);
      expect(th.objs.reduce((a, x) => a + Number(x.records), 0)).toBe(total);
      for (const x of th.objs) expect(Number(x.events)).toBeLessThanOrEqual(Number(x.records));
    } finally {
      for (const t of traces.filter((x) => x.path.startsWith(RUN10) && x.path.endsWith('.log.gz'))) await engine.setPrimaryTrace(t.traceId);
    }
  });

  it('7.2 multifd: a thread lane keeps only that thread of its side; a side lane keeps the whole side', async () => {
    const f = await facts(path.join(RUN72, 'src.log'));
    const th = await area(f, 'thread');
    const srcThreads = th.objs.filter((x) => x.side === 'src' && x.tid !== null).map((x) => Number(x.tid));
    expect(srcThreads.length).toBeGreaterThan(1);
    const tid = srcThreads[srcThreads.length - 1]!;
    const lanes: AreaLane[] = [
      { trackId: `multifd:src:tid:${tid}`, side: 'src', tid, channel: null },
      { trackId: 'states:dst', side: 'dst', tid: null, channel: null },
    ];
    const r = await area(f, 'event', lanes);
    const want = await expectedPerEvent(f, new Map([[f.src, [tid]]]));
    // The destination lane is a whole-side lane: every destination record.
    const wantAll = new Map([...want, ...[...(await expectedPerEvent(f))].filter(([k]) => k.startsWith('dst|'))]);
    expect(perEvent(r.objs)).toEqual(wantAll);
    expect([...perEvent(r.objs).keys()].some((k) => k.startsWith('src|'))).toBe(true);
  });

  it('7.2 multifd: a channel lane keeps the packet records of its channel', async () => {
    const f = await facts(path.join(RUN72, 'src.log'));
    const lanes: AreaLane[] = [{ trackId: 'multifd:src:ch:2', side: 'src', tid: null, channel: 2 }];
    const r = await area(f, 'event', lanes);
    // Counted here from the event tables' own channel argument (the catalogue's `id`).
    const want = new Map<string, number>();
    for (const t of ['multifd_send', 'multifd_send_fill', 'multifd_send_ram_fill']) {
      const has = await objects(engine, `SELECT 1 FROM qtw_event_tables WHERE name = '${t}'`);
      if (!has.length) continue;
      const n = await objects(engine, `SELECT count(*) AS n FROM "${t}" WHERE trace_id = ${f.src} AND id = 2 AND ts_ns BETWEEN ${f.from} AND ${f.to}`);
      if (Number(n[0]!.n) > 0) want.set(`src|${t}`, Number(n[0]!.n));
    }
    expect(want.size).toBeGreaterThan(0);
    expect(perEvent(r.objs)).toEqual(want);
    // By thread, the channel lane's records are one thread's (each channel runs in its own).
    const th = await area(f, 'thread', lanes);
    expect(th.objs).toHaveLength(1);
    expect(Number(th.objs[0]!.records)).toBe([...want.values()].reduce((a, b) => a + b, 0));
  });

  it.each([
    ['7.2 log, multifd', path.join(RUN72, 'src.log')],
    ['10.2 log', path.join(RUN10, 'src.log.gz')],
  ])('%s: by track, the source state slices overlapping the window with durations clipped to it', async (_name, src) => {
    const f = await facts(src);
    // The source's states, each until the next, on the source's clock (its offset is 0).
    const states = (await objects(engine, `SELECT ts_ns FROM migrate_set_state WHERE trace_id = ${f.src} ORDER BY ts_ns, seq`)).map((r) => BigInt(r.ts_ns as bigint));
    expect(states.length).toBeGreaterThan(2);
    // A window from inside the second state to inside the last: the first is out, the last unended.
    const from = (states[1]! + states[2]!) / 2n;
    const to = states[states.length - 1]! + 1000n;
    const r = await area(f, 'track', [{ trackId: 'states:src', side: 'src', tid: null, channel: null }], { from, to });
    expect(r.objs).toHaveLength(1);
    const row = r.objs[0]!;
    let n = 0;
    let total = 0n;
    let max = 0n;
    for (let i = 0; i < states.length; i++) {
      const s = states[i]!;
      const e = i + 1 < states.length ? states[i + 1]! : null;
      if (s > to || (e !== null && e < from)) continue;
      n++;
      const end = e === null || e > to ? to : e;
      total += end - (s < from ? from : s);
      if (e !== null && e - s > max) max = e - s;
    }
    expect(row.track_id).toBe('states:src');
    expect(Number(row.items)).toBe(n);
    expect(Number(row.unended)).toBe(1);
    expect(BigInt(row.clipped_dur_ns as bigint)).toBe(total);
    expect(BigInt(row.longest_slice_dur_ns as bigint)).toBe(max);
    expect(total).toBeLessThanOrEqual(to - from);
  });

  it('7.2 multifd: counters give min, max and last of their points in the window', async () => {
    const f = await facts(path.join(RUN72, 'src.log'));
    const r = await area(f, 'track');
    const counters = r.objs.filter((x) => x.kind === 'counter');
    expect(counters.length).toBeGreaterThan(0);
    for (const c of counters) {
      expect(Number(c.min_value)).toBeLessThanOrEqual(Number(c.last_value));
      expect(Number(c.last_value)).toBeLessThanOrEqual(Number(c.max_value));
    }
    // A cumulative counter's last point in the window is its largest.
    const bytes = counters.filter((x) => String(x.track_id).startsWith('multifd-bytes:src'));
    expect(bytes.length).toBeGreaterThan(0);
    for (const c of bytes) expect(c.last_value).toBe(c.max_value);
  });

  it('an untyped record in the range is not counted and a note says how many; an alternate trace is left out', async () => {
    // The copy with the foreign line is the same QEMU's source again: an alternate of the 7.2 run's source.
    const copy = (await engine.listTraces()).find((x) => x.path === path.join(tmp.dir, UNTYPED, 'src.log'));
    const orig = (await engine.listTraces()).find((x) => x.path === path.join(RUN72, 'src.log'));
    if (!copy || !orig) throw new Error('traces missing');
    expect(copy.alternateOf).toBe(orig.traceId);
    expect(copy.unparsed).toBe(1);
    const asAlternate = await area(await facts(path.join(RUN72, 'src.log')), 'event');
    expect(asAlternate.notes).toEqual([]);
    await engine.setPrimaryTrace(copy.traceId);
    try {
      const f = await facts(path.join(tmp.dir, UNTYPED, 'src.log'));
      const r = await area(f, 'event');
      expect(perEvent(r.objs)).toEqual(await expectedPerEvent(f));
      expect([...perEvent(r.objs).keys()].some((k) => k.includes('qtw_no_such_event'))).toBe(false);
      expect(r.notes).toEqual(['1 untyped record in the range is not counted (table unparsed)']);
      // A window starting just after it: the record is out, and so is the note.
      const later = await area(f, 'event', null, { from: f.from + 1n, to: f.to });
      expect(later.notes).toEqual([]);
    } finally {
      await engine.setPrimaryTrace(orig.traceId);
    }
  });

  it('refuses an unknown run and a reversed window', async () => {
    await expect(areaSummary(engine.ws.conn, { runId: 9999, from: 0n, to: 1n, groupBy: 'event', lanes: null })).rejects.toThrow(/no run 9999/);
    await expect(areaSummary(engine.ws.conn, { runId: 1, from: 2n, to: 1n, groupBy: 'event', lanes: null })).rejects.toThrow(/after/);
  });
});
