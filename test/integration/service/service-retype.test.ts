// EngineService listCatalogues and retypeTrace as a browser session sees them (no browser): a
// workspace of the real QEMU 10.2.50 source log in a session that may read only its own folder
// and whose host catalogue is Debian's 7.2. The choices are every built-in release and the
// catalogues stored here; a re-type is a job with the ingest events, refused read-only, for a
// path outside the session's folder, for an unknown ref or trace, and for a stored file now gone.
import { copyFileSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, IngestSummary, TraceInfo } from '../../../src-main/contract.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { insideFolder } from '../../../src-main/hosts/server/serve.ts';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../helpers/paths.ts';
import { failure } from '../../helpers/failure.ts';

const DIR = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');

/** The release folders resources/catalogues/releases.json ships. */
function shippedReleases(): string[] {
  const index = JSON.parse(readFileSync(path.join(REPO, 'resources/catalogues/releases.json'), 'utf8')) as { releases: { dir: string }[] };
  return index.releases.map((r) => r.dir);
}

describe('listCatalogues and retypeTrace in a session that reads only its folder', () => {
  const tmp = scratch('qtw-svc-retype-');
  const ws = path.join(tmp.dir, 'ws.duckdb');
  const trace = path.join(tmp.dir, 'src.log.gz');
  const ownCatalogue = path.join(tmp.dir, 'trace-events-all');
  let svc: EngineService;
  const events: EngineEvent[] = [];

  /** The summary a job ends with (ingestFailed rejects with its error). */
  const ended = (jobId: number): Promise<IngestSummary> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const e = events.find((x) => (x.type === 'ingestDone' || x.type === 'ingestFailed') && x.jobId === jobId);
        if (e?.type === 'ingestDone') resolve(e.summary);
        else if (e?.type === 'ingestFailed') reject(new Error(e.error));
        return e !== undefined;
      };
      if (check()) return;
      const off = svc.onEvent(() => {
        if (check()) off();
      });
    });
  const only = async (): Promise<TraceInfo> => {
    const list = await svc.call('listTraces', {});
    expect(list).toHaveLength(1);
    return list[0];
  };

  beforeAll(async () => {
    copyFileSync(path.join(DIR, 'src.log.gz'), trace);
    copyFileSync(path.join(DIR, 'trace-events-all'), ownCatalogue);
    svc = await EngineService.open(ws, { host: 'server', lockDown: true, defaultCatalogues: [DEBIAN_72], allowInput: (p) => insideFolder(tmp.dir, p) });
    svc.onEvent((e) => events.push(e));
    const { jobId } = await svc.call('openInputs', { paths: [trace], options: {} });
    const s = await ended(jobId);
    expect(s.errors).toEqual([]);
    expect(s.traces).toHaveLength(1);
  }, 120_000);
  afterAll(async () => {
    await svc?.close();
    tmp.cleanup();
  });

  it('lists every built-in release newest first, marking the one the trace is typed with', async () => {
    const t = await only();
    const choices = await svc.call('listCatalogues', {});
    const releases = choices.filter((c) => c.kind === 'release');
    expect(new Set(releases.map((c) => c.label))).toEqual(new Set(shippedReleases()));
    const versions = releases.map((c) => c.version!.split('.').map(Number));
    for (let i = 1; i < versions.length; i++) {
      const [a, b] = [versions[i - 1], versions[i]];
      expect(a[0] * 1e6 + a[1] * 1e3 + a[2]).toBeGreaterThanOrEqual(b[0] * 1e6 + b[1] * 1e3 + b[2]);
    }
    for (const c of releases) expect(c.ref).toBe(`release:${c.label}`);
    // The 10.2 trace in a session whose own catalogue is 7.2: a 10.2.50 release types it, wholly.
    expect(t.catalogueVersion).toBe('10.2.50');
    expect(t.unparsed).toBe(0);
    const used = choices.filter((c) => c.traces > 0);
    expect(used.map((c) => c.catalogueId)).toEqual([t.catalogueId]);
    expect(used[0].kind).toBe('release');
    expect(new Set(choices.map((c) => c.ref)).size).toBe(choices.length);
  });

  it('refuses a catalogue outside the session folder, an unknown ref or trace, before starting a job', async () => {
    const t = await only();
    const jobsBefore = events.filter((e) => e.type === 'ingestDone').length;
    expect((await failure(svc.call('retypeTrace', { traceId: t.traceId, catalogue: DEBIAN_72 }))).message).toMatch(/reading .*trace-events-all is not allowed in this session/);
    expect((await failure(svc.call('retypeTrace', { traceId: t.traceId, catalogue: 'release:qemu-1.0.0' }))).message).toMatch(/release:qemu-1\.0\.0: no built-in release qemu-1\.0\.0/);
    expect((await failure(svc.call('retypeTrace', { traceId: t.traceId, catalogue: 'stored:nope@123' }))).message).toMatch(/no such catalogue in this workspace/);
    expect((await failure(svc.call('retypeTrace', { traceId: t.traceId + 100, catalogue: 'release:qemu-8.2.0' }))).message).toMatch(/no trace #\d+ in this workspace/);
    // A release name is not a path: only a ref names the built-in ones in a browser session.
    expect((await failure(svc.call('retypeTrace', { traceId: t.traceId, catalogue: 'qemu-8.2' }))).message).toMatch(/not allowed in this session/);
    await svc.jobsIdle();
    expect(events.filter((e) => e.type === 'ingestDone').length).toBe(jobsBefore);
  });

  it('re-types with an older release (unparsed), then with an uploaded file (none), keeping the trace id', async () => {
    const before = await only();
    const older = await svc.call('retypeTrace', { traceId: before.traceId, catalogue: 'release:qemu-7.2.0' });
    const s1 = await ended(older.jobId);
    expect(s1.errors).toEqual([]);
    expect(s1.traces.map((t) => t.traceId)).toEqual([before.traceId]);
    const as72 = await only();
    expect(as72.traceId).toBe(before.traceId);
    expect(as72.catalogueVersion).toBe('7.2.0');
    // 10.2 names events 7.2 lacks: they cannot be typed, and are counted.
    expect(as72.unparsed).toBeGreaterThan(0);
    expect(as72.records).toBe(before.records);
    const i = events.findIndex((e) => e.type === 'ingestDone' && e.jobId === older.jobId);
    expect(events.slice(i + 1).some((e) => e.type === 'tracesChanged')).toBe(true);
    let choices = await svc.call('listCatalogues', {});
    expect(choices.find((c) => c.ref === 'release:qemu-7.2.0')?.traces).toBe(1);

    const own = await svc.call('retypeTrace', { traceId: before.traceId, catalogue: ownCatalogue });
    await ended(own.jobId);
    const back = await only();
    expect(back.unparsed).toBe(0);
    expect(back.catalogueVersion).toBe('10.2.50');
    choices = await svc.call('listCatalogues', {});
    const stored = choices.find((c) => c.kind === 'stored' && c.catalogueId === back.catalogueId);
    expect(stored).toMatchObject({ source: ownCatalogue, traces: 1, unavailable: null, version: '10.2.50' });
    expect(choices.find((c) => c.ref === 'release:qemu-7.2.0')?.traces).toBe(0);

    // Its file gone, the stored catalogue is listed as unusable and refused by ref.
    rmSync(ownCatalogue);
    choices = await svc.call('listCatalogues', {});
    const gone = choices.find((c) => c.ref === stored!.ref)!;
    expect(gone.unavailable).toMatch(/the file is gone/);
    expect((await failure(svc.call('retypeTrace', { traceId: before.traceId, catalogue: gone.ref }))).message).toMatch(/the file is gone/);
  }, 180_000);

  it('a re-type refused by the engine ends its job with ingestFailed, code invalid-input, and leaves the trace as it was', async () => {
    const before = await only();
    // The trace's kept source file is gone for a moment: the engine refuses to re-type it.
    const aside = `${trace}.aside`;
    renameSync(trace, aside);
    try {
      const { jobId } = await svc.call('retypeTrace', { traceId: before.traceId, catalogue: 'release:qemu-7.2.0' });
      await expect(ended(jobId)).rejects.toThrow(/no such file any more: re-typing needs the file it was read from; nothing was changed/);
      const failed = events.find((e) => e.type === 'ingestFailed' && e.jobId === jobId);
      expect(failed).toMatchObject({ type: 'ingestFailed', code: 'invalid-input' });
    } finally {
      renameSync(aside, trace);
    }
    expect(await only()).toEqual(before);
  }, 120_000);

  it('a cancelled re-type leaves the trace as it was', async () => {
    const before = await only();
    const { jobId } = await svc.call('retypeTrace', { traceId: before.traceId, catalogue: 'release:qemu-8.2.0' });
    expect((await svc.call('cancelJob', { jobId })).cancelled).toBe(true);
    const s = await ended(jobId);
    expect(s.cancelled).toBe(true);
    const after = await only();
    expect({ ...after }).toEqual({ ...before });
  }, 120_000);

  it('refuses to re-type in a read-only workspace', async () => {
    const t = await only();
    await svc.close();
    svc = await EngineService.open(ws, { host: 'server', readOnly: true });
    expect((await failure(svc.call('retypeTrace', { traceId: t.traceId, catalogue: 'release:qemu-8.2.0' }))).message).toMatch(/read-only; traces cannot be re-typed/);
    // Listing works read-only.
    expect((await svc.call('listCatalogues', {})).some((c) => c.catalogueId === t.catalogueId)).toBe(true);
  }, 60_000);
});
