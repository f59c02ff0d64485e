// The timeline over one migration traced by two backends (QEMU 10.2.50 a-precopy: wall-clock
// logs and monotonic simpletrace files, 10^5 hours apart), with runs assigned by the real
// ingest. It shows one run's primary traces (or the traces picked) on one clock: the window is
// the migration's seconds, and every event sits at its ts_aligned_ns as the events view says.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunInfo, TimelineRequest, TraceInfo } from '../../../src-main/contract.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { failure } from '../../helpers/failure.ts';
import { SAMPLES, scratch } from '../../helpers/paths.ts';

const D10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const S = 1_000_000_000n;
const tmp = scratch('qtw-timeline-runs-');
let svc: EngineService;
let traces: TraceInfo[];
let run: RunInfo;

const req = (over: Partial<TimelineRequest>): TimelineRequest => ({ runId: null, traceIds: null, fromNs: null, toNs: null, namePattern: null, maxEvents: 200_000, ...over });

async function sql(q: string): Promise<unknown[][]> {
  const r = await svc.call('runQuery', { sql: q });
  const page = await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 100_000, sort: null });
  await svc.call('releaseResult', { handle: r.handle });
  return page.rows.map((row) => [...row]);
}

/** min/max of ts_aligned_ns over these traces, from the events view (the SQL users query). */
async function alignedSpan(ids: readonly number[]): Promise<[string, string]> {
  const [[lo, hi]] = await sql(`SELECT CAST(min(ts_aligned_ns) AS VARCHAR), CAST(max(ts_aligned_ns) AS VARCHAR) FROM events WHERE trace_id IN (${ids.join(', ')})`);
  return [String(lo), String(hi)];
}

function idsWhere(f: (t: TraceInfo) => boolean): number[] {
  return traces.filter(f).map((t) => t.traceId).sort((a, b) => a - b);
}

beforeAll(async () => {
  const file = path.join(tmp.dir, 'ws.duckdb');
  const engine = await WorkspaceEngine.open(file);
  const inputs = ['src.log.gz', 'dst.log.gz', 'src.simple.gz', 'dst.simple.gz'].map((f) => path.join(D10, f));
  const r = await engine.openInputs(inputs, { catalogues: [path.join(D10, 'trace-events-all')] });
  expect(r.errors).toEqual([]);
  engine.close();
  svc = await EngineService.open(file, { host: 'server' });
  traces = await svc.call('listTraces', {});
  const runs = await svc.call('listRuns', {});
  expect(runs).toHaveLength(1);
  run = runs[0];
}, 180_000);

afterAll(async () => {
  await svc?.close();
  tmp.cleanup();
});

describe('timeline of a run traced on two clocks', () => {
  it('shows the newest run: its primary traces on their one clock, over the seconds the traces cover', async () => {
    const primaries = idsWhere((t) => t.runId === run.runId && t.alternateOf === null);
    expect(primaries).toEqual([run.srcTraceId, run.dstTraceId].sort((a, b) => (a ?? 0) - (b ?? 0)));
    const tl = await svc.call('timeline', req({}));
    expect(tl.runId).toBe(run.runId);
    expect(tl.traceIds).toEqual(primaries);
    expect(tl.clock).toBe(run.clock);
    expect(new Set(traces.filter((t) => primaries.includes(t.traceId)).map((t) => t.clock))).toEqual(new Set([tl.clock]));
    expect(tl.note).toBeNull();
    expect(new Set(tl.lanes.map((l) => l.traceId))).toEqual(new Set(primaries));
    expect(new Set(tl.events.map((e) => e.traceId))).toEqual(new Set(primaries));
    // The window is the shown traces' span on the aligned axis, and nothing of the alternates.
    const [lo, hi] = await alignedSpan(primaries);
    expect([tl.fromNs, tl.toNs]).toEqual([lo, hi]);
    const span = BigInt(tl.toNs) - BigInt(tl.fromNs);
    expect(span).toBeGreaterThan(S);
    expect(span).toBeLessThan(60n * S);
    expect(tl.totalInWindow).toBe(traces.filter((t) => primaries.includes(t.traceId)).reduce((a, t) => a + t.events, 0));
    // Asking for the run by id is the same choice.
    const byRun = await svc.call('timeline', req({ runId: run.runId, maxEvents: 10 }));
    expect(byRun.traceIds).toEqual(primaries);
  });

  it('puts every state change at its ts_aligned_ns: the destination on its source\'s clock', async () => {
    const ids = idsWhere((t) => t.runId === run.runId && t.alternateOf === null);
    const tl = await svc.call('timeline', req({ namePattern: 'migrate_set_state' }));
    const rows = await sql(`SELECT trace_id, seq, CAST(ts_aligned_ns AS VARCHAR), CAST(ts_ns AS VARCHAR) FROM events WHERE name = 'migrate_set_state' AND trace_id IN (${ids.join(', ')}) ORDER BY trace_id, seq`);
    expect(rows.length).toBeGreaterThan(4);
    expect(tl.truncated).toBe(false);
    const origin = BigInt(tl.originNs);
    const got = new Map(tl.events.map((e) => [`${e.traceId}:${e.seq}`, origin + BigInt(Math.round(e.t))]));
    expect(got.size).toBe(rows.length);
    for (const [traceId, seq, aligned] of rows) expect(got.get(`${Number(traceId)}:${Number(seq)}`)).toBe(BigInt(String(aligned)));
    // The destination's offset is not zero on this sample, so the check above checked the shift.
    expect(rows.some(([, , aligned, raw]) => aligned !== raw)).toBe(true);
    // The axis's zero is the source's first state change.
    const [[start]] = await sql(`SELECT CAST(min(ts_aligned_ns) AS VARCHAR) FROM events WHERE name = 'migrate_set_state' AND trace_id = ${run.srcTraceId}`);
    expect(tl.startNs).toBe(String(start));
  });

  it('shows picked simpletrace traces on an axis of their own, and finds events when zoomed into the migration', async () => {
    const simple = idsWhere((t) => t.format === 'simpletrace');
    expect(simple).toHaveLength(2);
    const tl = await svc.call('timeline', req({ traceIds: simple, maxEvents: 100 }));
    expect(tl.traceIds).toEqual(simple);
    expect(tl.clock).toBe('monotonic');
    expect(tl.runId).toBe(run.runId);
    expect(new Set(tl.lanes.map((l) => l.traceId))).toEqual(new Set(simple));
    const [lo, hi] = await alignedSpan(simple);
    expect([tl.fromNs, tl.toNs]).toEqual([lo, hi]);
    expect(BigInt(hi) - BigInt(lo)).toBeLessThan(60n * S);
    // One second from the migration's start: the events the view holds there, all of them.
    expect(tl.startNs).not.toBeNull();
    const from = BigInt(tl.startNs!);
    const to = from + S;
    const zoom = await svc.call('timeline', req({ traceIds: simple, fromNs: from.toString(), toNs: to.toString() }));
    const [[n]] = await sql(`SELECT count(*) FROM events WHERE trace_id IN (${simple.join(', ')}) AND ts_aligned_ns BETWEEN ${from} AND ${to}`);
    expect(Number(n)).toBeGreaterThan(100);
    expect(zoom.totalInWindow).toBe(Number(n));
    expect(zoom.events).toHaveLength(Number(n));
  });

  it('refuses traces of two clock kinds in one line, and unknown traces or runs', async () => {
    const log = idsWhere((t) => t.clock === 'epoch')[0];
    const simple = idsWhere((t) => t.clock === 'monotonic')[0];
    const f = await failure(svc.call('timeline', req({ traceIds: [log, simple] })));
    expect(f.code).toBe('invalid-input');
    expect(f.message).toMatch(/epoch/);
    expect(f.message).toMatch(/monotonic/);
    expect(f.message).not.toMatch(/\n/);
    expect((await failure(svc.call('timeline', req({ traceIds: [log, 999] })))).code).toBe('not-found');
    expect((await failure(svc.call('timeline', req({ runId: run.runId + 100 })))).code).toBe('not-found');
    expect((await failure(svc.call('timeline', req({ traceIds: [] })))).code).toBe('invalid-input');
  });
});

describe('a run whose sides are on different clocks', () => {
  // The source traced by both backends, the destination by the log only: making the source's
  // simpletrace the primary leaves the run with a monotonic source and an epoch destination.
  const tmp3 = scratch('qtw-timeline-split-');
  let svc3: EngineService;
  beforeAll(async () => {
    const file = path.join(tmp3.dir, 'ws.duckdb');
    const engine = await WorkspaceEngine.open(file);
    const r = await engine.openInputs(['src.log.gz', 'dst.log.gz', 'src.simple.gz'].map((f) => path.join(D10, f)), { catalogues: [path.join(D10, 'trace-events-all')] });
    expect(r.errors).toEqual([]);
    engine.close();
    svc3 = await EngineService.open(file, { host: 'server' });
  }, 180_000);
  afterAll(async () => {
    await svc3?.close();
    tmp3.cleanup();
  });

  it("shows its source's clock and names what it left out", async () => {
    const [r] = await svc3.call('listRuns', {});
    const list = await svc3.call('listTraces', {});
    const alt = list.find((t) => t.alternateOf === r.srcTraceId);
    expect(alt?.clock).toBe('monotonic');
    const dst = list.find((t) => t.traceId === r.dstTraceId);
    expect(dst?.clock).toBe('epoch');
    expect((await svc3.call('timeline', req({ maxEvents: 10 }))).note).toBeNull();
    await svc3.call('setPrimaryTrace', { traceId: alt!.traceId });
    const tl = await svc3.call('timeline', req({ runId: r.runId, maxEvents: 10 }));
    expect(tl.traceIds).toEqual([alt!.traceId]);
    expect(tl.clock).toBe('monotonic');
    expect(tl.note).toContain(`trace ${dst!.traceId} (epoch)`);
    const span = BigInt(tl.toNs) - BigInt(tl.fromNs);
    expect(span).toBeGreaterThan(S);
    expect(span).toBeLessThan(60n * S);
    expect(new Set(tl.lanes.map((l) => l.traceId))).toEqual(new Set([alt!.traceId]));
  });
});
