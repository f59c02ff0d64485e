// Analyses over workspaces the samples do not show directly, built from the real QEMU 7.2
// precopy and multifd traces: a migration cancelled and retried in one source trace (with a
// destination trace per attempt), two source traces beside one destination, and a trace that
// starts in the middle of a dirty-bitmap sync.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const tmp = scratch('qtw-attempts-');
afterAll(tmp.cleanup);

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const lines = (file: string) => gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l !== '');
const srcLines = lines(path.join(A, 'src.log.gz'));
const dstLines = lines(path.join(A, 'dst.log.gz'));
const dirtySyncCount: number = JSON.parse(readFileSync(path.join(A, 'query-migrate.json'), 'utf8')).ram['dirty-sync-count'];

/** The line with its `SEC.USEC` stamp moved by `sec` seconds. */
function shifted(line: string, sec: number): string {
  return line.replace(/^(\d+)@(\d+)\./, (_m, tid: string, s: string) => `${tid}@${Number(s) + sec}.`);
}

function write(name: string, ls: string[]): string {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, ls.join('\n') + '\n');
  return f;
}

async function rows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

async function open(name: string, src: string[], dst: string[]): Promise<WorkspaceEngine> {
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, `${name}.duckdb`));
  const r = await engine.openInputs([...src, ...dst], { catalogues: [DEBIAN_72], src, dst });
  expect(r.errors).toEqual([]);
  return engine;
}

describe('analyses across migration attempts and trace pairs', () => {
  it('a cancelled migration retried: the retry pairs with its destination; syncs and progress restart per attempt', async () => {
    // The first 2000 lines of the real migration, an hour earlier, then cancelled.
    const tid = /^(\d+)@/.exec(srcLines[0])?.[1];
    const first = srcLines.slice(0, 2000).map((l) => shifted(l, -3600));
    const lastSec = Number(/@(\d+)\./.exec(first[first.length - 1])?.[1]);
    first.push(`${tid}@${lastSec + 1}.000001:migrate_set_state new state cancelling`, `${tid}@${lastSec + 1}.000002:migrate_set_state new state cancelled`);
    const src = write('retry-src.log', [...first, ...srcLines]);
    const dst1 = write('retry-dst1.log', dstLines.slice(0, 500).map((l) => shifted(l, -3600)));
    const dst2 = write('retry-dst2.log', dstLines);
    const engine = await open('retry', [src], [dst1, dst2]);
    try {
      expect(await rows(engine, 'SELECT src_trace_id, dst_trace_id FROM migration_pairs ORDER BY ALL')).toEqual([
        [1, 3],
        [null, 2],
      ]);
      expect(await rows(engine, `SELECT attempt, final_state FROM migration_attempts WHERE trace_id = 1 ORDER BY attempt`)).toEqual([
        [1, 'cancelled'],
        [2, 'completed'],
      ]);
      const syncs = await rows(engine, 'SELECT attempt, iteration, interval_ms, sync_ms FROM dirty_sync_iterations WHERE trace_id = 1 ORDER BY attempt, iteration');
      const retry = syncs.filter((r) => r[0] === 2);
      // QEMU's dirty-sync-count starts again with each migration.
      expect(retry.map((r) => Number(r[1]))).toEqual(Array.from({ length: dirtySyncCount }, (_, i) => i + 1));
      expect(retry[0][2]).toBeNull();
      for (const r of syncs) expect(Number(r[3])).toBeGreaterThanOrEqual(0);
      const progress = await rows(engine, `SELECT attempt, min(iteration), min(cumulative_bytes) FROM precopy_progress WHERE trace_id = 1 AND kind = 'transferred' GROUP BY attempt ORDER BY attempt`);
      const alone = await open('alone', [write('alone-src.log', srcLines)], []);
      try {
        const [[minIteration, minCumulative]] = await rows(alone, `SELECT min(iteration), min(cumulative_bytes) FROM precopy_progress WHERE kind = 'transferred'`);
        // The retry's progress reads as it does with the migration traced alone.
        expect(progress[progress.length - 1]).toEqual([2, minIteration, minCumulative]);
      } finally {
        alone.close();
      }
    } finally {
      engine.close();
    }
  });

  it('two source traces beside one destination: only the nearest source pairs with it', async () => {
    const engine = await open('two-sources', [path.join(A, 'src.log.gz'), path.join(B, 'src.log')], [path.join(A, 'dst.log.gz')]);
    try {
      expect(await rows(engine, 'SELECT src_trace_id, dst_trace_id FROM migration_pairs ORDER BY ALL')).toEqual([
        [1, 3],
        [2, null],
      ]);
      const [[foreign]] = await rows(engine, 'SELECT count(*) FROM downtime_breakdown WHERE src_trace_id = 2 AND dst_trace_id IS NOT NULL');
      expect(foreign).toBe(0n);
    } finally {
      engine.close();
    }
  });

  it('a 7.2 source with a 10.2 destination: per-device loads from QEMU, saves from the source sections', async () => {
    const D10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'mixed.duckdb'));
    try {
      const src = [path.join(A, 'src.log.gz')];
      const dst = [path.join(D10, 'dst.log.gz')];
      const r = await engine.openInputs([...src, ...dst], { catalogues: [DEBIAN_72, path.join(D10, 'trace-events-all')], src, dst });
      expect(r.errors).toEqual([]);
      const devices = await rows(engine, `SELECT name, instance_id, save_ms, load_ms, approximate FROM downtime_breakdown WHERE kind = 'device' ORDER BY dst_ts_ns`);
      const loads = await rows(engine, `SELECT idstr, instance_id, downtime / 1e3 FROM vmstate_downtime_load ORDER BY ts_ns`);
      expect(devices.map((d) => [d[0], Number(d[1]), d[3]])).toEqual(loads.map((l) => [l[0], Number(l[1]), l[2]]));
      // Every save is the source's section time of that device (the k-th section of a name for
      // its k-th instance), marked approximate.
      const sections = await rows(engine, `SELECT idstr, ms FROM section_timings WHERE trace_id = 1 AND in_downtime ORDER BY start_ts_ns`);
      const byName = new Map<string, unknown[]>();
      for (const [name, ms] of sections) byName.set(String(name), [...(byName.get(String(name)) ?? []), ms]);
      for (const [name, instance, save, , approximate] of devices) {
        expect(approximate).toBe(true);
        const nth = devices.filter((d) => d[0] === name).findIndex((d) => d[1] === instance);
        expect(save, `${String(name)} ${String(instance)}`).toBe(byName.get(String(name))?.[nth]);
      }
    } finally {
      engine.close();
    }
  });

  it('only vmstate_downtime_* traced (8.2+): the overview still gives the downtime, from the checkpoints', async () => {
    const D10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
    const cat = path.join(D10, 'trace-events-all');
    const all = lines(path.join(D10, 'src.log.gz'));
    // 10.1+ prefixes end in a space (ISO-8601 time), older ones in ':'.
    const kept = all.filter((l) => /[: ]vmstate_downtime_/.test(l));
    expect(kept.length).toBeGreaterThan(5);
    const only = write('downtime-only.log', kept);
    const full = await WorkspaceEngine.open(path.join(tmp.dir, 'full10.duckdb'));
    const part = await WorkspaceEngine.open(path.join(tmp.dir, 'only10.duckdb'));
    try {
      await full.openInputs([path.join(D10, 'src.log.gz')], { catalogues: [cat] });
      expect((await part.openInputs([only], { catalogues: [cat], src: [only] })).errors).toEqual([]);
      const [[downtime, source]] = await rows(full, `SELECT downtime_ms, downtime_source FROM migration_overview WHERE side = 'src'`);
      expect(source).toBe('vmstate_downtime_checkpoint');
      expect(await rows(part, `SELECT side, attempt, final_state, downtime_ms, downtime_source FROM migration_overview`)).toEqual([
        ['src', null, null, downtime, 'vmstate_downtime_checkpoint'],
      ]);
    } finally {
      full.close();
      part.close();
    }
  });

  it('a trace switched on in the middle of a dirty-bitmap sync pairs every later start with its own end', async () => {
    const firstStart = srcLines.findIndex((l) => l.includes(':migration_bitmap_sync_start'));
    const cut = write('mid-sync.log', srcLines.filter((_, i) => i !== firstStart));
    const whole = await open('whole', [write('whole.log', srcLines)], []);
    const mid = await open('mid-sync', [cut], []);
    try {
      const all = await rows(whole, 'SELECT start_ts_ns, end_ts_ns, dirty_pages FROM dirty_sync_iterations ORDER BY iteration');
      expect(all).toHaveLength(dirtySyncCount);
      // The first sync has no start now; the others are the same pairs as before.
      expect(await rows(mid, 'SELECT start_ts_ns, end_ts_ns, dirty_pages FROM dirty_sync_iterations ORDER BY iteration')).toEqual(all.slice(1));
    } finally {
      whole.close();
      mid.close();
    }
  });
});
