// The Migration and Compare pages with several migrations (runs) in one workspace: the QEMU 7.2
// log sample folder holds three (a-precopy/, b-multifd4/ and two loose no-timestamp logs of a
// multifd migration). Every page query must show one run's traces only; Compare lines up source
// with source and destination with destination. Expected figures come from each migration's
// manifest and query-migrate.json, never from the queries under test.
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationPageData, PageQueryData, RunInfo } from '../../../src-main/contract.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { Workspace } from '../../../src-main/workspace/workspace.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';
import { num, str, type Row } from '../../../src-renderer/migration/query-rows.ts';
import { toAttempt } from '../../../src-renderer/migration/overview-model.ts';

const DIR = path.join(SAMPLES, 'qemu-7.2.22-log');
interface Facts {
  src: { migrate_set_state_sequence: string[]; migration_bitmap_sync_end_dirty_pages: number[]; multifd_channel_ids: Record<string, number[]> };
  dst: { migrate_set_state_sequence: string[] };
}
const sample = (name: string) => ({
  facts: (JSON.parse(readFileSync(path.join(DIR, name, 'manifest.json'), 'utf8')) as { facts_from_traces: Facts }).facts_from_traces,
  qm: JSON.parse(readFileSync(path.join(DIR, name, 'query-migrate.json'), 'utf8')) as { status: string; 'total-time': number; downtime: number; ram: { normal: number } },
});
/** Records of `event` in the source log of a sample migration, counted in the file itself. */
function rawCount(name: string, event: string): number {
  const dir = path.join(DIR, name);
  const f = readdirSync(dir).find((x) => /^src\.log(\.gz)?$/.test(x))!;
  const bytes = readFileSync(path.join(dir, f));
  const text = (f.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return text.split('\n').filter((l) => l.includes(`:${event} `)).length;
}
const A = sample('a-precopy');
const B = sample('b-multifd4');

const tmp = scratch('qtw-page-runs-');
let svc: EngineService;
let runs: RunInfo[];
const file = path.join(tmp.dir, 'ws.duckdb');

beforeAll(async () => {
  const engine = await WorkspaceEngine.open(file);
  const r = await engine.openInputs([DIR], { catalogues: [DEBIAN_72] });
  expect(r.errors).toEqual([]);
  engine.close();
  svc = await EngineService.open(file, { host: 'server' });
  runs = await svc.call('listRuns', {});
}, 240_000);

afterAll(async () => {
  await svc?.close();
  tmp.cleanup();
});

function rowsOf(q: PageQueryData | null | undefined): Row[] {
  if (!q) throw new Error('no query');
  if (q.sql === null) throw new Error(q.missing ?? 'no SQL');
  if (q.error !== null) throw new Error(q.error);
  return [...q.rows];
}
const runNamed = (label: string) => {
  const r = runs.find((x) => x.label === label);
  if (!r) throw new Error(`no run ${label} in ${runs.map((x) => x.label).join(', ')}`);
  return r;
};
const page = (runId: number | null, attempt: number | null = null): Promise<MigrationPageData> => svc.call('migrationPage', { runId, attempt });
const idsOf = (r: RunInfo) => [r.srcTraceId, r.dstTraceId].filter((x): x is number => x !== null).sort();

describe('Migration page, one run at a time', () => {
  it('offers the three runs of the folder and shows the one that started last by default', async () => {
    expect(runs.map((r) => r.label).sort()).toEqual(['a-precopy', 'b-multifd4', 'qemu-7.2.22-log-nots-multifd']);
    const p = await page(null);
    expect(p.runs.map((c) => c.run.runId)).toEqual(runs.map((r) => r.runId));
    const started = runs.filter((r) => r.startTsNs !== null).sort((x, y) => (BigInt(x.startTsNs!) < BigInt(y.startTsNs!) ? -1 : 1));
    expect(p.selection?.run.runId).toBe(started.at(-1)!.runId);
    expect(p.noRuns).toBeNull();
    // Each run offers its source's one attempt, ending as the migration did.
    for (const c of p.runs) expect(c.attempts.map((a) => a.attempt)).toEqual([1]);
    expect(p.runs.find((c) => c.run.label === 'a-precopy')!.finalState).toBe(A.qm.status);
  });

  it('every card and chart holds rows of the chosen run only, with the figures of that migration', async () => {
    for (const [label, s] of [['a-precopy', A], ['b-multifd4', B]] as const) {
      const run = runNamed(label);
      const p = await page(run.runId);
      expect(p.selection?.run.label).toBe(label);
      expect(p.selection?.windows.map((w) => [w.side, w.traceId, w.matchedBy])).toEqual([['src', run.srcTraceId, 'only'], ['dst', run.dstTraceId, 'only']]);
      const cards = rowsOf(p.overview).map(toAttempt);
      expect(cards.map((c) => [c.side, c.traceId])).toEqual([['src', run.srcTraceId], ['dst', run.dstTraceId]]);
      expect(cards[0]!.finalState).toBe(s.qm.status);
      expect(Math.abs(cards[0]!.totalMs! - s.qm['total-time'])).toBeLessThanOrEqual(5);
      // One lane per trace of this run; as many state changes as the migration's logs hold.
      const states = rowsOf(p.charts.states);
      expect([...new Set(states.map((r) => num(r.trace_id)))].sort()).toEqual(idsOf(run));
      expect(states.filter((r) => r.side === 'src').map((r) => str(r.state))).toEqual(s.facts.src.migrate_set_state_sequence);
      expect(states.filter((r) => r.side === 'dst').map((r) => str(r.state))).toEqual(s.facts.dst.migrate_set_state_sequence);
      // Zero of the time axis is this run's migrate command, not the workspace's first one.
      expect(num(states.find((r) => r.side === 'src')!.start_ms)).toBe(0);
      const dirty = rowsOf(p.charts.dirty).filter((r) => r.side === 'src');
      expect(dirty.map((r) => num(r.dirty_pages))).toEqual(s.facts.src.migration_bitmap_sync_end_dirty_pages);
    }
  });

  it('multifd lanes are those of the chosen run: four channels per side for b-multifd4, none for a-precopy', async () => {
    const b = rowsOf((await page(runNamed('b-multifd4').runId)).charts.multifd);
    const channels = new Set(Object.values(B.facts.src.multifd_channel_ids).flat());
    expect(new Set(b.map((r) => str(r.lane)))).toEqual(new Set([...channels].flatMap((c) => [`src ch${c}`, `dst ch${c}`])));
    expect(rowsOf((await page(runNamed('a-precopy').runId)).charts.multifd)).toEqual([]);
  });

  it('throughput and downtime rows are the run\'s own: every progress report of its source, no device twice', async () => {
    // The analysis views themselves hold rows of several runs: the page must pick.
    const all = await svc.call('runQuery', { sql: 'SELECT count(DISTINCT src_trace_id) FROM downtime_breakdown' });
    const n = await svc.call('fetchRows', { handle: all.handle, offset: 0, count: 1, sort: null });
    expect(Number(n.rows[0]![0])).toBeGreaterThanOrEqual(2);
    for (const label of ['a-precopy', 'b-multifd4']) {
      const run = runNamed(label);
      const p = await page(run.runId);
      const tp = rowsOf(p.charts.throughput);
      expect(tp.length).toBe(rawCount(label, 'migrate_transferred'));
      for (const r of tp) expect(num(r.t_ms)).toBeGreaterThanOrEqual(0);
      const labels = rowsOf(p.charts.downtime).map((r) => str(r.label));
      expect(labels.length).toBeGreaterThan(0);
      expect(new Set(labels).size).toBe(labels.length);
    }
  });

  it('an unknown run or attempt is refused with one line', async () => {
    await expect(page(9999)).rejects.toMatchObject({ message: 'no run 9999 in this workspace' });
    const a = runNamed('a-precopy');
    await expect(page(a.runId, 7)).rejects.toMatchObject({ message: `run ${a.runId} (a-precopy) has no attempt 7` });
  });
});

describe('Compare, two runs', () => {
  it('lists runs with their attempts, and lines up source with source, destination with destination', async () => {
    const a = runNamed('a-precopy');
    const b = runNamed('b-multifd4');
    const none = await svc.call('compareRuns', { a: null, b: null });
    expect(none.runs.map((c) => c.run.label)).toEqual(runs.map((r) => r.label));
    expect([none.src, none.dst]).toEqual([null, null]);
    const c = await svc.call('compareRuns', { a: { runId: a.runId, attempt: null }, b: { runId: b.runId, attempt: 1 } });
    expect([c.a?.run.label, c.b?.run.label, c.b?.attempt]).toEqual(['a-precopy', 'b-multifd4', 1]);
    const src = rowsOf(c.src?.phases);
    const total = src.find((r) => r.metric === 'total_ms')!;
    expect(Math.abs(num(total.a)! - A.qm['total-time'])).toBeLessThanOrEqual(5);
    expect(Math.abs(num(total.b)! - B.qm['total-time'])).toBeLessThanOrEqual(5);
    expect(num(total.delta)).toBeCloseTo(num(total.b)! - num(total.a)!, 6);
    expect(num(total.ratio)).toBeCloseTo(num(total.b)! / num(total.a)!, 3);
    // Each side's events: migrate_set_state as often as each migration's log of that side has it.
    for (const side of ['src', 'dst'] as const) {
      const ev = rowsOf(c[side]?.events).find((r) => r.event === 'migrate_set_state')!;
      expect([num(ev.a_count), num(ev.b_count)]).toEqual([A.facts[side].migrate_set_state_sequence.length, B.facts[side].migrate_set_state_sequence.length]);
    }
    // The destination's phases are the destinations' (no setup time there).
    const dst = rowsOf(c.dst?.phases);
    expect(dst.find((r) => r.metric === 'setup_ms')).toMatchObject({ a: null, b: null });
    expect(num(dst.find((r) => r.metric === 'multifd_channels')!.b)).toBe(new Set(Object.values(B.facts.src.multifd_channel_ids).flat()).size);
  });
});

describe('workspaces that cannot fill the page', () => {
  it('traces without runs: no run shown, and why; a run without an analysis view: that chart names it', async () => {
    const copy = path.join(tmp.dir, 'no-runs.duckdb');
    const bare = path.join(tmp.dir, 'no-view.duckdb');
    await svc.close();
    const ws = await Workspace.open(file);
    await ws.conn.run(`ATTACH '${copy}' AS c`);
    await ws.conn.run('COPY FROM DATABASE ws TO c');
    await ws.conn.run('DELETE FROM c.runs');
    await ws.conn.run('DETACH c');
    // And one with its runs but without an analysis view (never refreshed: opened read-only).
    await ws.conn.run(`ATTACH '${bare}' AS d`);
    await ws.conn.run('COPY FROM DATABASE ws TO d');
    await ws.conn.run('DROP VIEW d.downtime_breakdown');
    await ws.conn.run('DETACH d');
    ws.close();
    svc = await EngineService.open(file, { host: 'server' });
    const ro = await EngineService.open(copy, { host: 'server', readOnly: true });
    try {
      const p = await ro.call('migrationPage', { runId: null, attempt: null });
      expect(p.runs).toEqual([]);
      expect(p.selection).toBeNull();
      expect(p.noRuns).toMatch(/^This workspace has 6 traces but no runs \(migrations\)/);
      expect(p.overview).toMatchObject({ sql: null, missing: p.noRuns });
      for (const q of Object.values(p.charts)) expect(q.missing).toBe(p.noRuns);
      const c = await ro.call('compareRuns', { a: null, b: null });
      expect([c.runs, c.noRuns]).toEqual([[], p.noRuns]);
    } finally {
      await ro.close();
    }
    const nv = await EngineService.open(bare, { host: 'server', readOnly: true });
    try {
      const p = await nv.call('migrationPage', { runId: null, attempt: null });
      expect(p.selection).not.toBeNull();
      expect(p.charts.downtime).toMatchObject({ sql: null, missing: 'The downtime_breakdown analysis is not in this workspace.' });
      expect(p.charts.states.error).toBeNull();
    } finally {
      await nv.close();
    }
  });
});
