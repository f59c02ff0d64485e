// Runs on the real samples: one workspace holding every migration in ../shared/samples, given as
// a user gives them (two folders), is one run per migration; the 10.2 log, simpletrace and
// simpletrace.py output of one QEMU are one side with alternates; every run's overview is its own
// query-migrate.json; labels and the analysed trace are the user's to change and survive new
// ingests; a destination is aligned only to its own run's source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { withScopedAnalyses } from '../../../src-main/analyses/install.ts';
import { SAMPLES, scratch } from '../../helpers/paths.ts';
import { objects } from '../../helpers/query-objects.ts';

const LOG72 = path.join(SAMPLES, 'qemu-7.2.22-log');
const DIR10 = path.join(SAMPLES, 'qemu-10.2.50');

interface QueryMigrate {
  status: string;
  'total-time': number;
  'setup-time': number;
  downtime: number;
  ram: { 'dirty-sync-count': number; normal: number };
}

const qm = (dir: string): QueryMigrate => JSON.parse(readFileSync(path.join(dir, 'query-migrate.json'), 'utf8'));

describe('every sample in one workspace', () => {
  const tmp = scratch();
  let engine: WorkspaceEngine;
  const byPath = new Map<string, number>();
  const id = (rel: string) => byPath.get(rel) as number;

  beforeAll(async () => {
    engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    const r = await engine.openInputs([LOG72, DIR10], {});
    expect(r.errors).toEqual([]);
    for (const t of await engine.listTraces()) byPath.set(path.relative(SAMPLES, t.path), t.traceId);
  }, 120_000);
  afterAll(() => {
    engine?.close();
    tmp.cleanup();
  });

  it('one run per migration, each named by its folder, sides paired by layout', async () => {
    const runs = await engine.listRuns();
    expect(runs.map((r) => [r.label, r.srcTraceId, r.dstTraceId, r.pairedBy, r.qemuVersion])).toEqual([
      ['qemu-7.2.22-log/a-precopy', id('qemu-7.2.22-log/a-precopy/src.log.gz'), id('qemu-7.2.22-log/a-precopy/dst.log.gz'), 'layout', '7.2.22'],
      ['b-multifd4', id('qemu-7.2.22-log/b-multifd4/src.log'), id('qemu-7.2.22-log/b-multifd4/dst.log.gz'), 'layout', '7.2.22'],
      [
        'qemu-7.2.22-log-nots-multifd',
        id('qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-src.log'),
        id('qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-dst.log'),
        'layout',
        '7.2.22',
      ],
      ['qemu-10.2.50/a-precopy', id('qemu-10.2.50/a-precopy/src.log.gz'), id('qemu-10.2.50/a-precopy/dst.log.gz'), 'layout', '10.2.50'],
    ]);
    const traces = await engine.listTraces();
    expect(traces.every((t) => t.runId !== null)).toBe(true);
  });

  it('the 10.2 simpletrace and simpletrace.py output are alternates of the logs of the same QEMU', async () => {
    const run = (await engine.listRuns())[3];
    const a = (rel: string) => id(`qemu-10.2.50/a-precopy/${rel}`);
    expect([...run.alternates].sort((x, y) => x.traceId - y.traceId)).toEqual(
      [
        { traceId: a('src.simple.gz'), alternateOf: a('src.log.gz') },
        { traceId: a('simpletrace-py-output.txt.gz'), alternateOf: a('src.log.gz') },
        { traceId: a('dst.simple.gz'), alternateOf: a('dst.log.gz') },
        { traceId: a('simpletrace-py-output-dst.txt.gz'), alternateOf: a('dst.log.gz') },
      ].sort((x, y) => x.traceId - y.traceId),
    );
    // Analyses count each event once: alternates are not in the views.
    const inViews = await objects(engine, `SELECT DISTINCT trace_id FROM migration_states ORDER BY 1`);
    const primaries = (await engine.listTraces()).filter((t) => t.alternateOf === null).map((t) => t.traceId);
    expect(inViews.map((r) => r.trace_id)).toEqual(primaries);
    const pairs = await objects(engine, `SELECT run_id, src_trace_id, dst_trace_id, paired_by FROM migration_pairs ORDER BY run_id`);
    expect(pairs.map((p) => [p.src_trace_id, p.dst_trace_id])).toEqual((await engine.listRuns()).map((r) => [r.srcTraceId, r.dstTraceId]));
  });

  it.each([
    ['qemu-7.2.22-log/a-precopy', true],
    ['qemu-7.2.22-log/b-multifd4', false],
    ['qemu-10.2.50/a-precopy', true],
  ])('the source overview of run %s equals its own query-migrate.json', async (dir, normal) => {
    const truth = qm(path.join(SAMPLES, dir));
    const run = (await engine.listRuns()).find((r) => r.srcTraceId === id(`${dir}/${dir.endsWith('b-multifd4') ? 'src.log' : 'src.log.gz'}`));
    expect(run).toBeDefined();
    const [row] = await objects(engine, `SELECT * FROM migration_overview WHERE trace_id = ${run?.srcTraceId} ORDER BY attempt DESC LIMIT 1`);
    expect(row.final_state).toBe(truth.status);
    expect(Number(row.dirty_syncs)).toBe(truth.ram['dirty-sync-count']);
    // 7.2 multifd: query-migrate's ram.normal runs short of the pages sent (see migration_overview.sql).
    if (normal) expect(Number(row.normal_pages)).toBe(truth.ram.normal);
    expect(Math.abs(Number(row.total_ms) - truth['total-time'])).toBeLessThanOrEqual(5);
    expect(Math.abs(Number(row.downtime_ms) - truth.downtime)).toBeLessThanOrEqual(3);
    expect(Math.abs(Number(row.setup_ms) - truth['setup-time'])).toBeLessThanOrEqual(2);
  });

  it('views scoped to one run (what the Migration page computes) hold exactly that run\'s rows of the whole-workspace views', async () => {
    const views = ['migration_overview', 'downtime_breakdown', 'multifd_channels', 'dirty_sync_iterations', 'section_timings', 'precopy_progress', 'postcopy_faults'];
    const conn = engine.ws.conn;
    const dump = async (sql: string) => JSON.stringify((await conn.runAndReadAll(sql)).getRowsJS(), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    for (const run of await engine.listRuns()) {
      const ids = [run.srcTraceId, run.dstTraceId].filter((x): x is number => x !== null);
      const where = (v: string) => `SELECT * FROM ${v} WHERE run_id = ${run.runId} ORDER BY ALL`;
      const whole = await Promise.all(views.map((v) => dump(where(v))));
      const scoped = await withScopedAnalyses(conn, ids, () => Promise.all(views.map((v) => dump(`SELECT * FROM ${v} ORDER BY ALL`))));
      expect(scoped).toEqual(whole);
      expect(whole[0]).not.toBe('[]');
    }
    // Dropped afterwards: the workspace's own views again.
    expect(await dump('SELECT count(DISTINCT run_id) FROM migration_overview')).toBe('[["4"]]');
  });

  it('each destination is aligned to a source of its own run, an alternate to the one of its own clock kind', async () => {
    const rows = await objects(engine, `SELECT trace_id, src_trace_id FROM clock_alignment ORDER BY trace_id`);
    const runOf = new Map((await engine.listTraces()).map((t) => [t.traceId, t.runId]));
    for (const r of rows) if (r.src_trace_id !== null) expect(runOf.get(Number(r.src_trace_id))).toBe(runOf.get(Number(r.trace_id)));
    const a = (rel: string) => id(`qemu-10.2.50/a-precopy/${rel}`);
    expect(rows.find((r) => r.trace_id === a('dst.simple.gz'))?.src_trace_id).toBe(a('src.simple.gz'));
    expect(rows.find((r) => r.trace_id === a('dst.log.gz'))?.src_trace_id).toBe(a('src.log.gz'));
    // The 7.2 logs without time stamps cannot be aligned: no estimate rather than another run's.
    expect(rows.find((r) => r.trace_id === id('qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-dst.log'))?.src_trace_id).toBeNull();
  });

  it('switching the analysed trace moves both sides to that backend, and the views follow', async () => {
    const a = (rel: string) => id(`qemu-10.2.50/a-precopy/${rel}`);
    const runs = await engine.setPrimaryTrace(a('dst.simple.gz'));
    const run = runs[3];
    expect([run.srcTraceId, run.dstTraceId]).toEqual([a('src.simple.gz'), a('dst.simple.gz')]);
    const [row] = await objects(engine, `SELECT total_ms FROM migration_overview WHERE trace_id = ${a('src.simple.gz')}`);
    expect(Math.abs(Number(row.total_ms) - qm(path.join(DIR10, 'a-precopy'))['total-time'])).toBeLessThanOrEqual(5);
    const gone = await objects(engine, `SELECT count(*) AS n FROM migration_states WHERE trace_id = ${a('src.log.gz')}`);
    expect(Number(gone[0].n)).toBe(0);
    const back = await engine.setPrimaryTrace(a('src.log.gz'));
    expect([back[3].srcTraceId, back[3].dstTraceId]).toEqual([a('src.log.gz'), a('dst.log.gz')]);
  });

  it('a user label stays through later ingests; a bad label or unknown run is refused in one line with its kind', async () => {
    await engine.setRunLabel(2, '  multifd nightly #4 ');
    await engine.openInputs([path.join(SAMPLES, 'simpletrace/simpletrace-v4-multi.bin')], { catalogues: [path.join(SAMPLES, 'simpletrace/simpletrace-v4-multi.trace-events')] });
    const runs = await engine.listRuns();
    expect(runs.find((r) => r.runId === 2)).toMatchObject({ label: 'multifd nightly #4', labelSource: 'user' });
    expect(runs.map((r) => r.runId)).toEqual([1, 2, 3, 4, 5]);
    for (const bad of ['two\nlines', 'a\u2028b', 'evil\u202Elabel', 'zero\u200Bwidth']) await expect(engine.setRunLabel(2, bad)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(engine.setRunLabel(99, 'x')).rejects.toMatchObject({ code: 'not-found', message: 'no run 99 in this workspace' });
  });
});

describe('the two halves of one migration given separately', () => {
  const tmp = scratch();
  afterAll(() => tmp.cleanup());

  it('pair by folder when ingested one after the other, by migration time across folders, and a removed run id is not reused', async () => {
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    try {
      await engine.openInputs([path.join(LOG72, 'a-precopy/src.log.gz')], {});
      expect((await engine.listRuns()).map((r) => r.pairedBy)).toEqual(['single']);
      await engine.openInputs([path.join(LOG72, 'a-precopy/dst.log.gz')], {});
      expect((await engine.listRuns()).map((r) => [r.runId, r.pairedBy, r.label])).toEqual([[1, 'layout', 'a-precopy']]);
      // The multifd run's halves in two unrelated folders (a bug report's attachments).
      const host1 = path.join(tmp.dir, 'host1');
      const host2 = path.join(tmp.dir, 'host2');
      mkdirSync(host1);
      mkdirSync(host2);
      copyFileSync(path.join(LOG72, 'b-multifd4/src.log'), path.join(host1, 'qemu.log'));
      copyFileSync(path.join(LOG72, 'b-multifd4/dst.log.gz'), path.join(host2, 'qemu.log.gz'));
      // One command for each half: paired by their migration times (and lengths).
      await engine.openInputs([path.join(host1, 'qemu.log')], {});
      await engine.openInputs([path.join(host2, 'qemu.log.gz')], {});
      const runs = await engine.listRuns();
      expect(runs).toHaveLength(2);
      expect(runs[1].pairedBy).toBe('content');
      const ids = (await engine.listTraces()).filter((t) => t.runId === runs[1].runId).map((t) => t.traceId);
      await engine.removeTraces(ids);
      await engine.openInputs([path.join(LOG72, 'b-multifd4/src.log')], {});
      expect((await engine.listRuns()).map((r) => r.runId)).toEqual([1, 3]);
      // Both halves in one command from two folders: given together.
      await engine.removeTraces((await engine.listTraces()).filter((t) => t.runId === 3).map((t) => t.traceId));
      await engine.openInputs([path.join(host1, 'qemu.log'), path.join(host2, 'qemu.log.gz')], {});
      expect((await engine.listRuns()).map((r) => [r.runId, r.pairedBy])).toEqual([[1, 'layout'], [4, 'given']]);
    } finally {
      engine.close();
    }
  }, 120_000);
});
