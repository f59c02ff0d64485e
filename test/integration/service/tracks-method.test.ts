// The runTracks engine method over the 7.2 b-multifd4 sample (a real ingest, runs assigned by it):
// it answers on the query connection, so a TEMP `track_*` view made with runQuery is drawn; its
// window and item bound reach the track model; an unknown run is not-found.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackData, TrackSetData } from '../../../src-main/contract.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { failure } from '../../helpers/failure.ts';
import { SAMPLES, scratch } from '../../helpers/paths.ts';

const DIR = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const tmp = scratch('qtw-tracks-method-');
let svc: EngineService;
let runId: number;

/** The `new state X` values of a 7.2 log's migrate_set_state lines, in file order. */
function states(file: string): string[] {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return [...text.matchAll(/^\d+@\d+\.\d+:migrate_set_state new state (\S+)$/gm)].map((m) => m[1]);
}

const track = (s: TrackSetData, id: string): TrackData | undefined => s.tracks.find((t) => t.id === id);

beforeAll(async () => {
  const file = path.join(tmp.dir, 'ws.duckdb');
  const engine = await WorkspaceEngine.open(file);
  const r = await engine.openInputs([path.join(DIR, 'src.log'), path.join(DIR, 'dst.log.gz')], {});
  expect(r.errors).toEqual([]);
  engine.close();
  svc = await EngineService.open(file, { host: 'server' });
  const runs = await svc.call('listRuns', {});
  expect(runs).toHaveLength(1);
  runId = runs[0].runId;
}, 180_000);

afterAll(async () => {
  await svc?.close();
  tmp.cleanup();
});

describe('runTracks through the engine API', () => {
  it("gives the run's state slices (the logs' migrate_set_state lines) and a lane per multifd thread, ns as text", async () => {
    const set = await svc.call('runTracks', { runId, fromNs: null, toNs: null, maxItemsPerTrack: 2000 });
    expect(set.runId).toBe(runId);
    expect(set.notes).toEqual([]);
    for (const [side, file] of [['src', 'src.log'], ['dst', 'dst.log.gz']] as const) {
      const t = track(set, `states:${side}`);
      const want = states(path.join(DIR, file));
      expect(want.length).toBeGreaterThan(1);
      expect(t?.kind === 'slice' && t.items.map((s) => s.name)).toEqual(want);
      expect(t?.kind === 'slice' && t.items.every((s) => /^\d+$/.test(s.tsNs))).toBe(true);
    }
    const lanes = set.tracks.filter((t) => t.group === 'multifd' && t.kind === 'slice');
    expect(lanes.map((t) => `${t.lane.side}:${t.lane.channel}`).sort()).toEqual(['dst:0', 'dst:1', 'dst:2', 'dst:3', 'src:0', 'src:1', 'src:2', 'src:3']);
  });

  it('passes the window and the item bound to the track model', async () => {
    const whole = await svc.call('runTracks', { runId, fromNs: null, toNs: null, maxItemsPerTrack: 200_000 });
    const st = track(whole, 'states:src');
    if (st?.kind !== 'slice') throw new Error('no source state track');
    const active = st.items.find((s) => s.name === 'active');
    if (!active?.durNs) throw new Error('no ended active state');
    const from = BigInt(active.tsNs) + 1_000_000n;
    const to = from + 1_000_000n;
    const win = await svc.call('runTracks', { runId, fromNs: from.toString(), toNs: to.toString(), maxItemsPerTrack: 200_000 });
    expect([win.fromNs, win.toNs]).toEqual([from.toString(), to.toString()]);
    const ws = track(win, 'states:src');
    expect(ws?.kind === 'slice' && ws.items.map((s) => s.name)).toEqual(['active']);

    const packets = whole.tracks.find((t) => t.group === 'multifd' && t.kind === 'slice' && t.total > 8);
    if (!packets) throw new Error('no multifd lane with more than 8 packets');
    const few = await svc.call('runTracks', { runId, fromNs: null, toNs: null, maxItemsPerTrack: 8 });
    const thin = track(few, packets.id);
    expect(thin?.items.length).toBeLessThanOrEqual(8);
    expect([thin?.truncated, thin?.total]).toEqual([true, packets.total]);
  });

  it("draws a TEMP track_* view made with runQuery (the query connection's own)", async () => {
    const q = await svc.call('runQuery', {
      sql: `CREATE TEMP VIEW track_set_state AS SELECT trace_id, ts_ns, 0 AS dur_ns, new_state AS name, 'my states' AS track FROM migrate_set_state`,
    });
    await svc.call('releaseResult', { handle: q.handle });
    const set = await svc.call('runTracks', { runId, fromNs: null, toNs: null, maxItemsPerTrack: 2000 });
    const mine = track(set, 'user:track_set_state:my states');
    const want = [...states(path.join(DIR, 'src.log')), ...states(path.join(DIR, 'dst.log.gz'))].sort();
    expect(mine?.kind === 'slice' && mine.items.map((s) => s.name).sort()).toEqual(want);
  });

  it('an unknown run is not-found', async () => {
    const f = await failure(svc.call('runTracks', { runId: 9999, fromNs: null, toNs: null, maxItemsPerTrack: 100 }));
    expect(f.code).toBe('not-found');
    expect(f.message).toMatch(/no run #9999/);
  });
});
