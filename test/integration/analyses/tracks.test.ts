// The track model (analyses/tracks/) on the real samples: the 7.2 logs (precopy and multifd), the
// 10.2 log and its simpletrace, and a simpletrace written from the records of the 7.2 multifd log
// (the samples' own simpletraces hold no multifd channel). Each track is checked against the
// trace's own lines or an independent query of the event tables, not against the views it is
// made of.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { buildCatalogue } from '../../../src-main/catalogue/index.ts';
import type { ArgValue } from '../../../src-main/catalogue/types.ts';
import { runTracks, trackSetToWire, type FlowTrack, type SliceTrack, type Track, type TrackSet } from '../../../src-main/analyses/tracks/index.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { CATALOGUES, SAMPLES, scratch } from '../../helpers/paths.ts';
import { objects } from '../../helpers/query-objects.ts';
import { SimpletraceWriter } from '../../helpers/simpletrace-writer.ts';

const LOG72 = path.join(SAMPLES, 'qemu-7.2.22-log');
const DIR10 = path.join(SAMPLES, 'qemu-10.2.50');

function lines(file: string): string[] {
  const raw = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n');
}

/** `tid@sec.usec:name args` (7.2 -msg timestamp=off) or `ISO-8601Z name args` (10.1+). */
function parseLine(l: string): { tsNs: bigint; name: string; rest: string } | null {
  let m = /^\d+@(\d+)\.(\d{6}):(\w+) ?(.*)$/.exec(l);
  if (m) return { tsNs: BigInt(m[1]) * 1_000_000_000n + BigInt(m[2]) * 1000n, name: m[3], rest: m[4] };
  m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})Z (\w+) ?(.*)$/.exec(l);
  if (m) return { tsNs: BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt(m[2]) * 1000n, name: m[3], rest: m[4] };
  return null;
}

function events(file: string, name: string): { tsNs: bigint; rest: string }[] {
  return lines(file)
    .map(parseLine)
    .filter((x): x is NonNullable<typeof x> => x !== null && x.name === name);
}

/** The events a multifd timeline needs, from a 7.2 log, as a simpletrace v4 stream (no thread ids). */
function simpletraceOf(log: string, pid: number): Uint8Array {
  const cat = buildCatalogue({
    name: 'qemu-7.2.0',
    source: 'test',
    file: 'trace-events-all',
    text: readFileSync(path.join(CATALOGUES, 'qemu-7.2.0/trace-events-all'), 'utf8'),
  });
  // Each event's argument values, in catalogue order, from its line.
  const hex = (x: string) => BigInt(`0x${x}`);
  const parse: Record<string, (rest: string) => ArgValue[] | null> = {
    migrate_set_state: (r) => /^new state (\S+)$/.exec(r)?.slice(1, 2) ?? null,
    multifd_send: (r) => {
      const m = /^channel (\d+) packet_num (\d+) normal pages (\d+) flags 0x([0-9a-f]+) next packet size (\d+)$/.exec(r);
      return m ? [BigInt(m[1]), BigInt(m[2]), BigInt(m[3]), hex(m[4]), BigInt(m[5])] : null;
    },
    multifd_recv: (r) => {
      const m = /^channel (\d+) packet_num (\d+) pages (\d+) flags 0x([0-9a-f]+) next packet size (\d+)$/.exec(r);
      return m ? [BigInt(m[1]), BigInt(m[2]), BigInt(m[3]), hex(m[4]), BigInt(m[5])] : null;
    },
    multifd_send_thread_start: (r) => (/^\d+$/.test(r) ? [BigInt(r)] : null),
    multifd_recv_thread_start: (r) => (/^\d+$/.test(r) ? [BigInt(r)] : null),
  };
  const w = new SimpletraceWriter({ littleEndian: true, version: 4 });
  const ids = new Map<string, number>();
  for (const l of lines(log)) {
    const p = parseLine(l);
    const values = p && parse[p.name] ? parse[p.name](p.rest) : null;
    if (!p || !values) continue;
    const spec = cat.events.find((e) => e.name === p.name);
    if (!spec || spec.args.length !== values.length) throw new Error(`${p.name}: not as in the 7.2 catalogue`);
    let eid = ids.get(p.name);
    if (eid === undefined) {
      ids.set(p.name, (eid = ids.size + 1));
      w.mapping(eid, p.name);
    }
    w.event(eid, p.tsNs, pid, spec.args, values);
  }
  return w.bytes();
}

const slices = (s: TrackSet, id: string) => s.tracks.find((t): t is SliceTrack => t.kind === 'slice' && t.id === id);
const flows = (s: TrackSet, id: string) => s.tracks.find((t): t is FlowTrack => t.kind === 'flow' && t.id === id);
const byId = (s: TrackSet, id: string): Track | undefined => s.tracks.find((t) => t.id === id);

describe('tracks of the sample runs', () => {
  const tmp = scratch();
  let engine: WorkspaceEngine;
  const traceOf = new Map<string, number>();
  const runOf = new Map<string, number>();
  const offsetOf = new Map<number, bigint>();
  const id = (rel: string) => traceOf.get(rel) as number;
  const run = (rel: string) => runOf.get(rel) as number;
  const SIMPLE = 'mf-simple';

  beforeAll(async () => {
    const dir = path.join(tmp.dir, SIMPLE);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'src.simple'), simpletraceOf(path.join(LOG72, 'b-multifd4/src.log'), 28151));
    writeFileSync(path.join(dir, 'dst.simple'), simpletraceOf(path.join(LOG72, 'b-multifd4/dst.log.gz'), 28152));
    engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    expect((await engine.openInputs([LOG72, DIR10], {})).errors).toEqual([]);
    const cat = path.join(CATALOGUES, 'qemu-7.2.0/trace-events-all');
    expect((await engine.openInputs([dir], { catalogues: [cat], src: [path.join(dir, 'src.simple')], dst: [path.join(dir, 'dst.simple')] })).errors).toEqual([]);
    for (const t of await engine.listTraces()) {
      const rel = t.path.startsWith(SAMPLES) ? path.relative(SAMPLES, t.path) : `${SIMPLE}/${path.basename(t.path)}`;
      traceOf.set(rel, t.traceId);
    }
    for (const r of await engine.listRuns()) {
      const src = [...traceOf].find(([, v]) => v === r.srcTraceId)?.[0];
      if (src) runOf.set(path.dirname(src), r.runId);
    }
    for (const r of await objects(engine, 'SELECT trace_id, coalesce(clock_offset_ns, 0) AS o FROM traces')) offsetOf.set(Number(r.trace_id), BigInt(r.o as bigint));
  }, 180_000);
  afterAll(() => {
    engine?.close();
    tmp.cleanup();
  });

  const aligned = (trace: number, ts: bigint) => ts + (offsetOf.get(trace) ?? 0n);

  it.each([
    ['qemu-7.2.22-log/a-precopy', 'src.log.gz', 'dst.log.gz'],
    ['qemu-7.2.22-log/b-multifd4', 'src.log', 'dst.log.gz'],
    ['qemu-10.2.50/a-precopy', 'src.log.gz', 'dst.log.gz'],
  ])('%s: state slices are the migrate_set_state lines of each side, each lasting until the next', async (dir, srcFile, dstFile) => {
    const set = await runTracks(engine.ws.conn, run(dir));
    expect(set.notes).toEqual([]);
    for (const [side, file] of [
      ['src', srcFile],
      ['dst', dstFile],
    ] as const) {
      const trace = id(`${dir}/${file}`);
      const want = events(path.join(SAMPLES, dir, file), 'migrate_set_state').map((e) => ({ ts: aligned(trace, e.tsNs), name: /new state (\S+)/.exec(e.rest)?.[1] }));
      expect(want.length).toBeGreaterThan(1);
      const track = slices(set, `states:${side}`);
      expect(track?.lane).toEqual({ side, traceId: trace, tid: null, channel: null });
      expect(track?.items.map((s) => ({ ts: s.ts, name: s.name }))).toEqual(want);
      expect(track?.items.map((s) => s.dur)).toEqual([...want.slice(1).map((w, i) => w.ts - want[i].ts), null]);
    }
  });

  it.each([
    ['qemu-7.2.22-log/a-precopy', 'src.log.gz'],
    ['qemu-7.2.22-log/b-multifd4', 'src.log'],
    ['qemu-10.2.50/a-precopy', 'src.log.gz'],
  ])('%s: dirty-sync slices are the source dirty_sync_iterations, one per sync start line', async (dir, srcFile) => {
    const trace = id(`${dir}/${srcFile}`);
    const set = await runTracks(engine.ws.conn, run(dir));
    const rows = await objects(engine, `SELECT start_ts_ns, end_ts_ns, iteration, dirty_pages FROM dirty_sync_iterations WHERE trace_id = ${trace} ORDER BY start_ts_ns`);
    const starts = events(path.join(SAMPLES, dir, srcFile), 'migration_bitmap_sync_start');
    expect(rows.length).toBe(starts.length);
    const track = slices(set, 'dirty-sync:src');
    expect(track?.items.map((s) => [s.ts, s.dur, s.name, s.args.dirty_pages])).toEqual(
      rows.map((r) => [aligned(trace, r.start_ts_ns as bigint), (r.end_ts_ns as bigint) - (r.start_ts_ns as bigint), `sync ${r.iteration}`, Number(r.dirty_pages)]),
    );
    expect(track?.items.map((s) => s.ts)).toEqual(starts.map((s) => aligned(trace, s.tsNs)));
    // The dirty-pages counter steps at each sync's end.
    const counter = byId(set, 'dirty-pages:src');
    expect(counter?.kind === 'counter' && counter.items.map((p) => p.value)).toEqual(rows.map((r) => Number(r.dirty_pages)));
  });

  it('b-multifd4: each multifd flow joins the source and destination records of one packet', async () => {
    const src = id('qemu-7.2.22-log/b-multifd4/src.log');
    const dst = id('qemu-7.2.22-log/b-multifd4/dst.log.gz');
    const set = await runTracks(engine.ws.conn, run('qemu-7.2.22-log/b-multifd4'));
    const flow = flows(set, 'flows:multifd');
    const sent = events(path.join(LOG72, 'b-multifd4/src.log'), 'multifd_send');
    const recv = events(path.join(LOG72, 'b-multifd4/dst.log.gz'), 'multifd_recv');
    // A packet is the k-th line of its (channel, packet_num) on each side: 7.2 sends a sync
    // packet under its channel's last packet number.
    const keyed = (es: { tsNs: bigint; rest: string }[], trace: number) => {
      const seen = new Map<string, number>();
      return new Map(
        es.map((e) => {
          const cp = /channel (\d+) packet_num (\d+)/.exec(e.rest)?.slice(1, 3).join(':') as string;
          const k = (seen.get(cp) ?? 0) + 1;
          seen.set(cp, k);
          return [`${cp}:${k}` as string, aligned(trace, e.tsNs)] as const;
        }),
      );
    };
    const sentAt = keyed(sent, src);
    const recvAt = keyed(recv, dst);
    expect(sent.length).toBe(recv.length);
    const both = [...sentAt.keys()].filter((k) => recvAt.has(k));
    expect(both.length).toBe(recv.length);
    expect(flow?.total).toBe(both.length);
    expect(flow?.items.length).toBe(both.length);
    expect(flow?.note).toBeNull();
    for (const f of flow?.items ?? []) {
      const k = `${f.args.channel}:${f.args.packet_num}:${f.args.occurrence}`;
      expect([f.fromTs, f.toTs]).toEqual([sentAt.get(k), recvAt.get(k)]);
      // The arrow starts on the sending thread's lane and ends on the receiving one's.
      const from = byId(set, f.fromTrackId);
      const to = byId(set, f.toTrackId);
      expect([from?.lane.side, from?.lane.channel, to?.lane.side, to?.lane.channel]).toEqual(['src', f.args.channel, 'dst', f.args.channel]);
    }
    // Lanes per thread: the log has thread ids, one per channel thread.
    const lanes = set.tracks.filter((t) => t.group === 'multifd' && t.kind === 'slice');
    expect(lanes.map((t) => t.id).every((x) => /^multifd:(src|dst):tid:\d+$/.test(x))).toBe(true);
    expect(lanes.map((t) => `${t.lane.side}:${t.lane.channel}`).sort()).toEqual(['dst:0', 'dst:1', 'dst:2', 'dst:3', 'src:0', 'src:1', 'src:2', 'src:3']);
  });

  it('a simpletrace without thread ids gets one lane per multifd channel, and its flows join the same packets', async () => {
    const set = await runTracks(engine.ws.conn, run(SIMPLE));
    expect(set.clock).toBe('monotonic');
    const sent = events(path.join(LOG72, 'b-multifd4/src.log'), 'multifd_send');
    const recv = events(path.join(LOG72, 'b-multifd4/dst.log.gz'), 'multifd_recv');
    const perChannel = (es: { rest: string }[]) => {
      const n = new Map<number, number>();
      for (const e of es) {
        const c = Number(/channel (\d+)/.exec(e.rest)?.[1]);
        n.set(c, (n.get(c) ?? 0) + 1);
      }
      return n;
    };
    for (const [side, es] of [
      ['src', sent],
      ['dst', recv],
    ] as const) {
      for (const [channel, n] of perChannel(es)) {
        const t = slices(set, `multifd:${side}:ch:${channel}`);
        expect(t?.lane).toMatchObject({ side, tid: null, channel });
        expect(t?.total).toBe(n);
      }
    }
    expect(set.tracks.some((t) => t.lane.tid !== null)).toBe(false);
    const logSet = await runTracks(engine.ws.conn, run('qemu-7.2.22-log/b-multifd4'));
    const pairs = (s: TrackSet) => (flows(s, 'flows:multifd')?.items ?? []).map((f) => `${f.args.channel}:${f.args.packet_num}:${f.args.occurrence}`).sort();
    expect(pairs(set)).toEqual(pairs(logSet));
    expect(slices(set, 'states:src')?.items.map((s) => s.name)).toEqual(slices(logSet, 'states:src')?.items.map((s) => s.name));
  });

  it('the 10.2 simpletrace as the analysed trace: its states, no thread lanes, the same syncs as the log', async () => {
    const a = (rel: string) => id(`qemu-10.2.50/a-precopy/${rel}`);
    const logSet = await runTracks(engine.ws.conn, run('qemu-10.2.50/a-precopy'));
    await engine.setPrimaryTrace(a('src.simple.gz'));
    try {
      const set = await runTracks(engine.ws.conn, run('qemu-10.2.50/a-precopy'));
      expect([set.srcTraceId, set.dstTraceId, set.clock]).toEqual([a('src.simple.gz'), a('dst.simple.gz'), 'monotonic']);
      const raw = await objects(engine, `SELECT ts_ns, new_state FROM migrate_set_state WHERE trace_id = ${a('src.simple.gz')} ORDER BY ts_ns, seq`);
      expect(slices(set, 'states:src')?.items.map((s) => [s.ts, s.name])).toEqual(raw.map((r) => [aligned(a('src.simple.gz'), r.ts_ns as bigint), r.new_state]));
      expect(set.tracks.every((t) => t.lane.tid === null)).toBe(true);
      const durs = (s: TrackSet) => slices(s, 'dirty-sync:src')?.items.map((x) => x.name);
      expect(durs(set)).toEqual(durs(logSet));
      expect(slices(set, 'states:dst')?.items.map((s) => s.name)).toEqual(slices(logSet, 'states:dst')?.items.map((s) => s.name));
    } finally {
      await engine.setPrimaryTrace(a('src.log.gz'));
    }
  });

  it('a thinned counter keeps at most maxItems points, its summary counts every point, and its last value is the total', async () => {
    const src = id('qemu-7.2.22-log/a-precopy/src.log.gz');
    const set = await runTracks(engine.ws.conn, run('qemu-7.2.22-log/a-precopy'), { maxItems: 100, buckets: 20 });
    const t = byId(set, 'pages-transferred:src');
    const [ov] = await objects(engine, `SELECT normal_pages FROM migration_overview WHERE trace_id = ${src}`);
    const pageLines = events(path.join(LOG72, 'a-precopy/src.log.gz'), 'ram_save_page').length;
    expect(Number(ov.normal_pages)).toBe(pageLines);
    expect(t?.kind).toBe('counter');
    if (t?.kind !== 'counter') return;
    expect(t.total).toBe(pageLines);
    expect(t.truncated).toBe(true);
    expect(t.items.length).toBeLessThanOrEqual(100);
    expect(t.items[t.items.length - 1].value).toBe(pageLines);
    expect(t.buckets?.length).toBeLessThanOrEqual(20);
    expect(t.buckets?.reduce((n, b) => n + b.count, 0)).toBe(pageLines);
    expect(Math.max(...(t.buckets ?? []).map((b) => b.max ?? 0))).toBe(pageLines);
    // Untruncated tracks of the same set are whole.
    expect(slices(set, 'states:src')?.truncated).toBe(false);
  });

  it("a thinned counter's buckets (one per pixel column asked) hold the count, min and max of the log's ram_save_page lines in each span", async () => {
    const src = id('qemu-7.2.22-log/a-precopy/src.log.gz');
    // The cumulative page count at each ram_save_page line, from the log itself (one attempt).
    const pages = events(path.join(LOG72, 'a-precopy/src.log.gz'), 'ram_save_page').map((e, i) => ({ ts: aligned(src, e.tsNs), value: i + 1 }));
    const windows: { from: bigint | null; to: bigint | null }[] = [{ from: null, to: null }, { from: pages[Math.floor(pages.length / 3)].ts, to: pages[Math.floor((2 * pages.length) / 3)].ts }];
    for (const window of windows) {
      const inside = (ts: bigint) => (window.from === null || ts >= window.from) && (window.to === null || ts <= window.to);
      const set = await runTracks(engine.ws.conn, run('qemu-7.2.22-log/a-precopy'), { ...window, maxItems: 64, buckets: 700 });
      const t = byId(set, 'pages-transferred:src');
      expect(t?.kind).toBe('counter');
      if (t?.kind !== 'counter' || t.buckets === null) throw new Error('pages-transferred is not a thinned counter');
      const inWindow = pages.filter((p) => inside(p.ts));
      expect(t.total).toBe(inWindow.length);
      expect(t.buckets.length).toBeGreaterThan(64);
      expect(t.buckets.length).toBeLessThanOrEqual(700);
      expect(t.buckets.reduce((n, b) => n + b.count, 0)).toBe(t.total);
      for (const b of t.buckets) {
        const here = inWindow.filter((p) => p.ts >= b.from && p.ts <= b.to);
        expect([b.count, b.min, b.max]).toEqual([here.length, Math.min(...here.map((p) => p.value)), Math.max(...here.map((p) => p.value))]);
      }
      // Buckets follow each other without overlap, in time order.
      for (let i = 1; i < t.buckets.length; i++) expect(t.buckets[i].from > t.buckets[i - 1].to).toBe(true);
      // The kept points are log points: each a real (time, cumulative count) pair.
      const real = new Map(pages.map((p) => [p.ts, p.value]));
      for (const p of t.items.filter((x) => inside(x.ts))) expect(real.has(p.ts)).toBe(true);
    }
  });

  it("a thinned counter keeps each thinning bucket's first, last, lowest and highest point, with their tie rules, as computed from the log", async () => {
    const src = id('qemu-7.2.22-log/a-precopy/src.log.gz');
    const pages = events(path.join(LOG72, 'a-precopy/src.log.gz'), 'ram_save_page').map((e, i) => ({ ts: aligned(src, e.tsNs), value: i + 1 }));
    const from = pages[Math.floor(pages.length / 5)].ts;
    const to = pages[Math.floor((4 * pages.length) / 5)].ts;
    const maxItems = 64;
    const set = await runTracks(engine.ws.conn, run('qemu-7.2.22-log/a-precopy'), { from, to, maxItems, buckets: 300 });
    const t = byId(set, 'pages-transferred:src');
    if (t?.kind !== 'counter' || !t.truncated) throw new Error('pages-transferred is not a thinned counter');
    // Thinning buckets: maxItems/4 spans of the window, each (to - from) / (maxItems/4) + 1 ns wide.
    const w4 = (to - from) / BigInt(maxItems / 4) + 1n;
    const groups = new Map<bigint, { ts: bigint; value: number }[]>();
    for (const p of pages.filter((x) => x.ts >= from && x.ts <= to)) {
      const b = (p.ts - from) / w4;
      groups.set(b, [...(groups.get(b) ?? []), p]);
    }
    const key = (p: { ts: bigint; value: number }) => `${p.ts}:${p.value}`;
    const want = new Map<string, { ts: bigint; value: number }>();
    for (const g of groups.values()) {
      const byTime = [...g].sort((a, b) => (a.ts !== b.ts ? (a.ts < b.ts ? -1 : 1) : a.value - b.value));
      const byValue = [...g].sort((a, b) => (a.value !== b.value ? a.value - b.value : a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      const hiValue = byValue[byValue.length - 1].value;
      const first = byTime[0];
      const lastTs = byTime[byTime.length - 1].ts;
      const last = byTime.filter((p) => p.ts === lastTs).reduce((a, p) => (p.value > a.value ? p : a));
      const highest = byValue.filter((p) => p.value === hiValue).reduce((a, p) => (p.ts < a.ts ? p : a));
      for (const p of [first, last, byValue[0], highest]) want.set(key(p), p);
    }
    const expected = [...want.values()].sort((a, b) => (a.ts !== b.ts ? (a.ts < b.ts ? -1 : 1) : a.value - b.value));
    expect(groups.size).toBeGreaterThan(1);
    expect(t.items.filter((p) => p.ts >= from).map(key)).toEqual(expected.map(key));
    // The point in force at the window's start comes first: the last log point before it.
    const before = pages.filter((p) => p.ts < from);
    expect(key(t.items[0])).toBe(key(before[before.length - 1]));
  });

  it('a thinned slice track summarises every slice of the window in its buckets, with min/max duration as an independent query gives', async () => {
    const src = id('qemu-7.2.22-log/b-multifd4/src.log');
    const set = await runTracks(engine.ws.conn, run('qemu-7.2.22-log/b-multifd4'), { maxItems: 8, buckets: 50 });
    const t = slices(set, 'sections:src');
    if (!t?.buckets) throw new Error('sections:src is not thinned at 8 items');
    expect(t.items.length).toBeLessThanOrEqual(8);
    expect(t.buckets.reduce((n, b) => n + b.count, 0)).toBe(t.total);
    const rows = await objects(engine, `SELECT start_ts_ns AS ts, end_ts_ns - start_ts_ns AS dur FROM section_timings WHERE trace_id = ${src} AND start_ts_ns IS NOT NULL`);
    expect(rows.length).toBe(t.total);
    for (const b of t.buckets) {
      const here = rows.filter((r) => aligned(src, BigInt(r.ts as bigint)) >= b.from && aligned(src, BigInt(r.ts as bigint)) <= b.to);
      const durs = here.filter((r) => r.dur !== null).map((r) => Number(r.dur));
      expect([b.count, b.min, b.max]).toEqual([here.length, durs.length ? Math.min(...durs) : null, durs.length ? Math.max(...durs) : null]);
    }
  });

  it.each([
    ['qemu-7.2.22-log/a-precopy', 'src.log.gz'],
    ['qemu-10.2.50/a-precopy', 'src.log.gz'],
  ])('%s: bytes transferred and throughput step at each migrate_transferred line', async (dir, srcFile) => {
    // One workspace holds both versions: 7.2 names the argument `tranferred`, 10.2 `transferred`.
    const trace = id(`${dir}/${srcFile}`);
    const set = await runTracks(engine.ws.conn, run(dir));
    const reports = events(path.join(SAMPLES, dir, srcFile), 'migrate_transferred').map((e) => ({
      ts: aligned(trace, e.tsNs),
      bytes: Number(/transferred (\d+)/.exec(e.rest)?.[1]),
      bw: Number(/bandwidth (\d+)/.exec(e.rest)?.[1]),
    }));
    expect(reports.length).toBeGreaterThan(5);
    let sum = 0;
    const bytes = byId(set, 'bytes-transferred:src');
    const tput = byId(set, 'throughput:src');
    expect(bytes?.kind === 'counter' && bytes.items.map((p) => [p.ts, p.value])).toEqual(reports.map((r) => [r.ts, (sum += r.bytes)]));
    expect(tput?.kind === 'counter' && tput.items.map((p) => [p.ts, p.value])).toEqual(reports.map((r) => [r.ts, r.bw * 1000]));
  });

  it('a window keeps the slices overlapping it and the counter point in force at its start', async () => {
    const set = await runTracks(engine.ws.conn, run('qemu-7.2.22-log/a-precopy'));
    const states = slices(set, 'states:src')?.items ?? [];
    const active = states.find((s) => s.name === 'active');
    expect(active?.dur).not.toBeNull();
    const from = (active?.ts ?? 0n) + 1_000_000n;
    const to = from + 10_000_000n;
    const win = await runTracks(engine.ws.conn, run('qemu-7.2.22-log/a-precopy'), { from, to });
    expect(slices(win, 'states:src')?.items.map((s) => s.name)).toEqual(['active']);
    const whole = byId(set, 'remaining:src');
    const part = byId(win, 'remaining:src');
    if (whole?.kind !== 'counter' || part?.kind !== 'counter') throw new Error('no remaining RAM counter');
    const before = whole.items.filter((p) => p.ts < from);
    expect(part.items[0]).toEqual(before[before.length - 1]);
    expect(part.items.slice(1)).toEqual(whole.items.filter((p) => p.ts >= from && p.ts <= to));
  });

  it("a user's track_* view becomes a slice track on the run's clock; a view lacking columns is named, not fatal", async () => {
    const dst = id('qemu-7.2.22-log/b-multifd4/dst.log.gz');
    await engine.ws.conn.run(
      `CREATE VIEW track_recv_threads AS SELECT trace_id, ts_ns, 1000 AS dur_ns, 'start ' || id AS name, 'recv threads' AS track FROM multifd_recv_thread_start`,
    );
    await engine.ws.conn.run(`CREATE VIEW track_broken AS SELECT 1 AS ts_ns`);
    try {
      const set = await runTracks(engine.ws.conn, run('qemu-7.2.22-log/b-multifd4'));
      const t = slices(set, 'user:track_recv_threads:recv threads');
      const raw = await objects(engine, `SELECT ts_ns, id FROM multifd_recv_thread_start WHERE trace_id = ${dst} ORDER BY ts_ns`);
      expect(raw.length).toBe(4);
      expect(t?.items.map((s) => [s.ts, s.dur, s.name])).toEqual(raw.map((r) => [aligned(dst, r.ts_ns as bigint), 1000n, `start ${r.id}`]));
      expect(byId(set, 'user:track_broken:')?.note).toMatch(/lacks dur_ns, name, track/);
    } finally {
      await engine.ws.conn.run('DROP VIEW track_recv_threads; DROP VIEW track_broken');
    }
  });

  it('a run without time stamps gives no tracks and says why; the wire form carries ns as text', async () => {
    const set = await runTracks(engine.ws.conn, run('qemu-7.2.22-log'));
    expect(set.tracks).toEqual([]);
    expect(set.notes.join('\n')).toMatch(/has no time stamps/);
    const wire = trackSetToWire(await runTracks(engine.ws.conn, run('qemu-7.2.22-log/a-precopy')));
    const st = wire.tracks.find((t) => t.id === 'states:src');
    expect(st?.kind === 'slice' && typeof st.items[0].tsNs).toBe('string');
    await expect(runTracks(engine.ws.conn, 9999)).rejects.toThrow(/no run 9999/);
  });
});
