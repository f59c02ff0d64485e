// The Fleet answers from per-trace measures kept with the analysis views (qtw_fleet_cache): its
// rows must be exactly those of the query over the views (the `sql` it hands out), after an
// ingest, in a read-only open of a workspace without the cache (an older one), and after traces
// are removed. On the QEMU 7.2 sample folder (three runs).
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineService } from '../../../src-main/service/api.ts';
import type { FleetData } from '../../../src-main/contract.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const LOG72 = path.join(SAMPLES, 'qemu-7.2.22-log');

/** The rows of the query a user can run (`data.sql`, from the views), as the wire carries them. */
async function viaViews(svc: EngineService, data: FleetData): Promise<Record<string, unknown>[]> {
  const r = await svc.call('runQuery', { sql: data.sql });
  const page = await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1000, sort: null });
  await svc.call('releaseResult', { handle: r.handle });
  return page.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

describe('fleet per-trace cache', () => {
  const tmp = scratch('qtw-fleet-cache-');
  const ws = path.join(tmp.dir, 'ws.duckdb');

  beforeAll(async () => {
    const svc = await EngineService.open(ws, { host: 'cli' });
    try {
      const r = await svc.ingest([LOG72], { catalogues: [DEBIAN_72] });
      expect(r.traces).toHaveLength(6);
    } finally {
      await svc.close();
    }
  });
  afterAll(() => tmp.cleanup());

  it('holds every trace after an ingest, and the fleet equals the query over the views', async () => {
    const svc = await EngineService.open(ws, { host: 'server', readOnly: true });
    try {
      const cached = await svc.call('runQuery', { sql: 'SELECT count(*) AS n FROM qtw_fleet_cache' });
      const [[n]] = (await svc.call('fetchRows', { handle: cached.handle, offset: 0, count: 1, sort: null })).rows;
      expect(n).toBe(6);
      const f = await svc.call('fleet', {});
      expect(f.error).toBeNull();
      expect(f.rows).toHaveLength(3);
      expect(f.rows).toEqual(await viaViews(svc, f));
    } finally {
      await svc.close();
    }
  });

  it('halves ingested one after the other: the first half\'s row follows its run (cache keyed on the run\'s sides)', async () => {
    const ws2 = path.join(tmp.dir, 'halves.duckdb');
    const svc = await EngineService.open(ws2, { host: 'cli' });
    try {
      await svc.ingest([path.join(LOG72, 'b-multifd4/src.log')], { catalogues: [DEBIAN_72] });
      const before = await svc.call('fleet', {});
      expect(before.rows.map((r) => [r.src_trace_id, r.dst_trace_id])).toEqual([[1, null]]);
      await svc.ingest([path.join(LOG72, 'b-multifd4/dst.log.gz')], { catalogues: [DEBIAN_72] });
      const after = await svc.call('fleet', {});
      expect(after.rows.map((r) => [r.src_trace_id, r.dst_trace_id])).toEqual([[1, 2]]);
      expect(after.rows).toEqual(await viaViews(svc, after));
      const fp = await svc.call('runQuery', { sql: 'SELECT trace_id, fingerprint FROM qtw_fleet_cache ORDER BY trace_id' });
      const rows = (await svc.call('fetchRows', { handle: fp.handle, offset: 0, count: 10, sort: null })).rows;
      expect(rows.map((r) => [r[0], String(r[1]).includes('|1-2|')])).toEqual([[1, true], [2, true]]);
    } finally {
      await svc.close();
    }
  });

  it('a read-only open of a workspace without the cache computes the same rows', async () => {
    const bare = path.join(tmp.dir, 'bare.duckdb');
    {
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      await c.run(`ATTACH '${ws}' AS src (READ_ONLY)`);
      await c.run(`ATTACH '${bare}' AS dst`);
      await c.run('COPY FROM DATABASE src TO dst');
      await c.run('DROP TABLE dst.qtw_fleet_cache');
      c.closeSync();
      db.closeSync();
    }
    const a = await EngineService.open(ws, { host: 'server', readOnly: true });
    const b = await EngineService.open(bare, { host: 'server', readOnly: true });
    try {
      const fa = await a.call('fleet', {});
      const fb = await b.call('fleet', {});
      expect(fb.error).toBeNull();
      expect(fb.rows).toEqual(fa.rows);
      expect(fb.rows).toEqual(await viaViews(b, fb));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('follows a removal: the runs left, with the numbers of the views', async () => {
    const svc = await EngineService.open(ws, { host: 'server' });
    try {
      const before = await svc.call('fleet', {});
      const multifd = before.rows.find((r) => Number(r.multifd_channels) === 4)!;
      await svc.call('removeTraces', { traceIds: [Number(multifd.src_trace_id)] });
      const after = await svc.call('fleet', {});
      expect(after.error).toBeNull();
      expect(after.rows).toEqual(await viaViews(svc, after));
      // The run left with only its destination says so, and has the destination's numbers.
      const left = after.rows.find((r) => r.dst_trace_id === multifd.dst_trace_id);
      expect(left).toBeDefined();
      expect(left!.src_trace_id).toBeNull();
      expect(left!.numbers_from).toBe('dst');
      expect(left!.final_state).toBe('completed');
      expect(left!.setup_ms).toBeNull();
      expect(left!.downtime_ms).toBeNull();
      expect(after.rows.some((r) => r.src_trace_id === multifd.src_trace_id)).toBe(false);
    } finally {
      await svc.close();
    }
  });
});
