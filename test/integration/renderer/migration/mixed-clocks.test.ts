// The Migration page's time axis when one workspace holds the same migration traced by both
// backends (QEMU 10.2.50 sample: wall-clock logs and monotonic simpletrace files). The run draws
// its primary traces only (the others are their alternates); with primaries of two clock kinds,
// each clock kind gets its own origin, so every trace's states start near zero instead of
// 10^12 ms apart.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkspaceEngine } from '../../../../src-main/service/workspace-engine.ts';
import { EngineService } from '../../../../src-main/service/api.ts';
import type { MigrationPageData, PageQueryData } from '../../../../src-main/contract.ts';
import { num, str, type Row } from '../../../../src-renderer/migration/query-rows.ts';
import { SAMPLES, scratch } from '../../../helpers/paths.ts';

const D10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const tmp = scratch('qtw-mixed-clocks-');
let svc: EngineService;
let page: MigrationPageData;

function rowsOf(q: PageQueryData): Row[] {
  if (q.sql === null || q.error !== null) throw new Error(q.missing ?? q.error ?? 'no SQL');
  return [...q.rows];
}

beforeAll(async () => {
  const file = path.join(tmp.dir, 'ws.duckdb');
  const engine = await WorkspaceEngine.open(file);
  const inputs = ['src.log.gz', 'dst.log.gz', 'src.simple.gz', 'dst.simple.gz'].map((f) => path.join(D10, f));
  const r = await engine.openInputs(inputs, { catalogues: [path.join(D10, 'trace-events-all')] });
  expect(r.errors).toEqual([]);
  engine.close();
  svc = await EngineService.open(file, { host: 'server' });
  page = await svc.call('migrationPage', { runId: null, attempt: null });
}, 180_000);

afterAll(async () => {
  await svc?.close();
  tmp.cleanup();
});

/** The first state of each trace on the timeline: its side and start_ms. */
function firstStates(p: MigrationPageData): Map<number, { side: string; start: number }> {
  const first = new Map<number, { side: string; start: number }>();
  for (const r of rowsOf(p.charts.states)) {
    const id = num(r.trace_id) as number;
    if (!first.has(id)) first.set(id, { side: str(r.side) as string, start: num(r.start_ms) as number });
  }
  return first;
}

describe('migration charts over traces of two clock kinds', () => {
  it('draw the run\'s primary source and destination, not their alternates', () => {
    const run = page.selection!.run;
    expect(run.traceIds.length).toBe(4);
    expect(run.alternates.map((a) => a.alternateOf).sort()).toEqual([run.srcTraceId, run.dstTraceId].sort());
    expect([...firstStates(page).keys()].sort()).toEqual([run.srcTraceId, run.dstTraceId].sort());
  });

  it('with primaries of two clock kinds, each starts near zero on its own origin', async () => {
    const run = page.selection!.run;
    const traces = await svc.call('listTraces', {});
    const primaryClock = traces.find((t) => t.traceId === run.dstTraceId)!.clock;
    const other = run.alternates.find((a) => a.alternateOf === run.dstTraceId)!.traceId;
    expect(traces.find((t) => t.traceId === other)!.clock).not.toBe(primaryClock);
    await svc.call('setPrimaryTrace', { traceId: other });
    const p = await svc.call('migrationPage', { runId: run.runId, attempt: null });
    expect(p.selection!.windows.find((w) => w.side === 'dst')!.traceId).toBe(other);
    const first = firstStates(p);
    expect(first.size).toBe(2);
    for (const { side, start } of first.values()) {
      if (side === 'src') expect(start).toBe(0);
      // A destination waits in 'setup' from -incoming, seconds before the migrate command.
      else expect(Math.abs(start)).toBeLessThan(60_000);
    }
    const tp = rowsOf(p.charts.throughput);
    expect(tp.length).toBeGreaterThan(0);
    for (const r of tp) expect(Math.abs(num(r.t_ms) as number)).toBeLessThan(60_000);
  });

  it('throughput reports sit on the same axis as the states of their trace', async () => {
    const rows = rowsOf(page.charts.throughput);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Math.abs(num(r.t_ms) as number)).toBeLessThan(60_000);
  });
});
