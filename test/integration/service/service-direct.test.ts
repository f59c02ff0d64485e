// EngineService's direct methods, the CLI's way in (issue 14): an ingest run now with the caller's
// hooks, streaming, re-estimating clocks, and closing without leaving an empty workspace. Writes go
// through the same job queue as the wire's jobs (refused while one runs, refused read-only), and
// what skips the runner's checks is refused in a locked-down session. On the real QEMU 7.2.22
// a-precopy log pair.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent, IngestProgressEvent } from '../../../src-main/contract.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const DIR = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const SRC = path.join(DIR, 'src.log.gz');
const DST = path.join(DIR, 'dst.log.gz');

describe('EngineService direct methods', () => {
  const tmp = scratch('qtw-svc-direct-');
  const ws = path.join(tmp.dir, 'ws.duckdb');
  afterAll(() => tmp.cleanup());

  it('ingests with the caller’s hooks, streams, re-aligns, and refuses a write while a job runs', async () => {
    const svc = await EngineService.open(ws, { host: 'cli' });
    try {
      const progress: IngestProgressEvent[] = [];
      const events: EngineEvent[] = [];
      svc.onEvent((e) => events.push(e));
      const r = await svc.ingest([], { src: [SRC], dst: [DST], catalogues: [DEBIAN_72] }, { onProgress: (p) => progress.push(p) });
      expect(r.errors).toEqual([]);
      expect(r.traces.map((t) => t.side)).toEqual(['src', 'dst']);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.some((p) => p.path === SRC)).toBe(true);
      // No job ran: the caller got the progress, clients only hear that traces changed.
      expect(events.map((e) => e.type)).toEqual(['tracesChanged']);

      const rows: unknown[][] = [];
      const n = await svc.streamQuery('SELECT side, count(*) FROM events GROUP BY side ORDER BY side', { columns() {}, rows: (x) => void rows.push(...x) });
      expect(n).toBe(2);
      const byWire = await svc.call('runQuery', { sql: 'SELECT side, count(*) FROM events GROUP BY side ORDER BY side' });
      const page = await svc.call('fetchRows', { handle: byWire.handle, offset: 0, count: 10, sort: null });
      expect(rows.map((x) => x.map(String))).toEqual(page.rows.map((x) => x.map(String)));

      const dst = r.traces.find((t) => t.side === 'dst')!.traceId;
      const estimated = await svc.realignClocks();
      expect(estimated.map((e) => e.dstTraceId)).toEqual([dst]);
      const pinned = await svc.realignClocks({ traceId: dst, offsetNs: 1234n });
      expect(pinned.find((e) => e.dstTraceId === dst)?.offsetNs).toBe('1234');
      expect(await svc.call('clockAlignment', {})).toEqual(pinned);

      // A wire job holds the writer: a direct write is refused, not interleaved.
      const { jobId } = await svc.call('openInputs', { paths: [SRC], options: { catalogues: [DEBIAN_72] } });
      await expect(svc.realignClocks()).rejects.toThrow(/an ingest is running/);
      await svc.jobsIdle();
      expect(events.some((e) => e.type === 'ingestDone' && e.jobId === jobId)).toBe(true);
    } finally {
      await svc.close();
    }
  });

  it('refuses writes read-only and streaming when locked down', async () => {
    const ro = await EngineService.open(ws, { host: 'cli', readOnly: true });
    try {
      await expect(ro.ingest([SRC], {})).rejects.toThrow(/read-only; traces cannot be added/);
      await expect(ro.realignClocks()).rejects.toThrow(/read-only/);
      expect(await ro.streamQuery('SELECT count(*) FROM traces', { columns() {}, rows() {} })).toBe(1);
    } finally {
      await ro.close();
    }
    const locked = await EngineService.open(ws, { host: 'server', readOnly: true, lockDown: true });
    try {
      await expect(locked.streamQuery('SELECT 1', { columns() {}, rows() {} })).rejects.toThrow(/not allowed in this session/);
      await expect(locked.exportParquet(path.join(tmp.dir, 'pq'))).rejects.toThrow(/not allowed in this session/);
    } finally {
      await locked.close();
    }
  });

  it('closes discarding a workspace it created, and only that', async () => {
    const fresh = path.join(tmp.dir, 'fresh.duckdb');
    const svc = await EngineService.open(fresh, { host: 'cli' });
    const r = await svc.ingest([path.join(tmp.dir, 'missing.log')], {});
    expect(r.traces).toEqual([]);
    await svc.close({ discardCreated: true });
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(`${fresh}.wal`)).toBe(false);

    const again = await EngineService.open(ws, { host: 'cli' });
    await again.close({ discardCreated: true });
    expect(existsSync(ws)).toBe(true);
  });
});
