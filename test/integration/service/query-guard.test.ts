// The query connection guarded against the user's own TEMP objects, over the 7.2 b-multifd4
// sample: a slow `track_*` view is read bounded and runTracks is cancelled like a query; a TEMP
// view or macro that would shadow the workspace's tables (or a built-in) is dropped and refused;
// runTracks' window edges and timeline's unknown ids answer in one line.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { EngineService } from '../../../src-main/service/api.ts';
import { QueryRunner } from '../../../src-main/workspace/query.ts';
import { parseClientMessage } from '../../../src-main/service/rpc-validate.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { failure } from '../../helpers/failure.ts';
import { SAMPLES, scratch } from '../../helpers/paths.ts';

const DIR = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const tmp = scratch('qtw-query-guard-');
let svc: EngineService;
let runId: number;

async function rows(sql: string, session?: number): Promise<unknown[][]> {
  const r = await svc.call('runQuery', { sql }, { session });
  const page = await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1000, sort: null });
  await svc.call('releaseResult', { handle: r.handle });
  return page.rows as unknown[][];
}

/** A view that takes for ever even with a LIMIT: its filter keeps one row in 10^9 of 10^14. */
const ENDLESS = `SELECT i AS ts_ns, 1 AS dur_ns, 'a' AS name, 'x' AS track FROM range(100000000000000) t(i) WHERE i % 1000000007 = 1000000006`;

beforeAll(async () => {
  const file = path.join(tmp.dir, 'ws.duckdb');
  const engine = await WorkspaceEngine.open(file);
  const r = await engine.openInputs([path.join(DIR, 'src.log'), path.join(DIR, 'dst.log.gz')], {});
  expect(r.errors).toEqual([]);
  engine.close();
  svc = await EngineService.open(file, { host: 'server', lockDown: true });
  const runs = await svc.call('listRuns', {});
  expect(runs).toHaveLength(1);
  runId = runs[0].runId;
}, 180_000);

afterAll(async () => {
  await svc?.close();
  tmp.cleanup();
});

describe('runTracks over a slow user view', () => {
  it('reads at most 200,000 rows of a huge track_ view and says the view was cut', async () => {
    await svc.call('runQuery', { sql: `CREATE TEMP VIEW track_huge AS SELECT i AS ts_ns, 1 AS dur_ns, 'a' AS name, 'x' AS track FROM range(100000000000) t(i)` });
    try {
      const set = await svc.call('runTracks', { runId, fromNs: null, toNs: null, maxItemsPerTrack: 100 });
      const t = set.tracks.find((x) => x.id === 'user:track_huge:x');
      expect(t?.total).toBe(200_000);
      expect(t?.truncated).toBe(true);
      expect(t?.note).toContain('only its first 200,000 were read');
    } finally {
      await svc.call('runQuery', { sql: 'DROP VIEW track_huge' });
    }
  }, 120_000);

  it('is cancelled by cancelQuery, and the next query answers', async () => {
    await svc.call('runQuery', { sql: `CREATE TEMP VIEW track_slow AS ${ENDLESS}` }, { session: 7 });
    try {
      const running = failure(svc.call('runTracks', { runId, fromNs: null, toNs: null, maxItemsPerTrack: 100 }, { session: 7 }));
      await new Promise((r) => setTimeout(r, 300));
      // Another session may not stop it; its own may.
      expect(await svc.call('cancelQuery', {}, { session: 8 })).toEqual({ cancelled: false });
      expect(await svc.call('cancelQuery', {}, { session: 7 })).toEqual({ cancelled: true });
      const f = await running;
      expect(f.code).toBe('cancelled');
      expect(await rows('SELECT 42', 7)).toEqual([[42]]);
    } finally {
      await svc.call('runQuery', { sql: 'DROP VIEW track_slow' });
    }
  }, 120_000);

  it('is interrupted when its client goes away', async () => {
    await svc.call('runQuery', { sql: `CREATE TEMP VIEW track_slow2 AS ${ENDLESS}` }, { session: 9 });
    try {
      const running = failure(svc.call('runTracks', { runId, fromNs: null, toNs: null, maxItemsPerTrack: 100 }, { session: 9 }));
      await new Promise((r) => setTimeout(r, 300));
      svc.sessionClosed(9);
      expect((await running).code).toBe('cancelled');
      expect(await rows('SELECT 43', 10)).toEqual([[43]]);
    } finally {
      await svc.call('runQuery', { sql: 'DROP VIEW track_slow2' });
    }
  }, 120_000);
});

describe('TEMP objects named like the workspace tables', () => {
  it('refuses a TEMP view named traces, drops it, and the report still lists every trace', async () => {
    const all = await rows('SELECT trace_id, sha256 FROM traces ORDER BY trace_id');
    expect(all.length).toBe(2);
    const f = await failure(svc.call('runQuery', { sql: 'CREATE TEMP VIEW traces AS SELECT * FROM main.traces WHERE trace_id = 1' }));
    expect(f.code).toBe('invalid-input');
    expect(f.message).toContain("may not take the name of the workspace's or DuckDB's `traces`");
    expect(await rows('SELECT trace_id, sha256 FROM traces ORDER BY trace_id')).toEqual(all);
    // The refusal also holds when the statement is not the last one.
    expect((await failure(svc.call('runQuery', { sql: 'CREATE TEMP TABLE runs AS SELECT 1 AS run_id; SELECT 1' }))).code).toBe('invalid-input');
    expect((await rows('SELECT count(*) FROM runs'))[0]).toEqual([1]);
    const md = await svc.call('exportReport', { format: 'markdown', redact: false, path: null });
    const text = readFileSync(md.path, 'utf8');
    for (const [, sha] of all) expect(text).toContain(String(sha));
  });

  it('refuses a TEMP macro that would replace a built-in function', async () => {
    const f = await failure(svc.call('runQuery', { sql: "CREATE TEMP MACRO lower(x) AS 'zz'" }));
    expect(f.code).toBe('invalid-input');
    expect(await rows("SELECT lower('AB')")).toEqual([['ab']]);
    // A TEMP view of another name stays.
    await svc.call('runQuery', { sql: 'CREATE TEMP VIEW my_src AS SELECT * FROM traces WHERE trace_id = 1' });
    expect(await rows('SELECT count(*) FROM my_src')).toEqual([[1]]);
    await svc.call('runQuery', { sql: 'DROP VIEW my_src' });
  });
});

describe("the engine's own TEMP views (a read-only open's bridge)", () => {
  it('keeps them, and puts one back that user SQL replaced', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      await conn.run('CREATE TABLE traces (trace_id INTEGER); INSERT INTO traces VALUES (1), (2)');
      // What Workspace.connect() runs on a bridged connection before any user SQL.
      await conn.run('CREATE OR REPLACE TEMP VIEW traces AS SELECT *, NULL::INTEGER AS added FROM memory.main.traces');
      const runner = new QueryRunner(conn);
      const h = await runner.run('SELECT count(added) AS a, count(*) AS n FROM traces');
      expect(await runner.fetchRows(h.id, 0, 10)).toEqual([[0n, 2n]]);
      const f = await runner.run('CREATE OR REPLACE TEMP VIEW traces AS SELECT 7 AS trace_id').catch((e: unknown) => e as Error);
      expect(f).toBeInstanceOf(Error);
      expect((f as Error).message).toContain('`traces`');
      const again = await runner.run('SELECT count(added) AS a, count(*) AS n FROM traces');
      expect(await runner.fetchRows(again.id, 0, 10)).toEqual([[0n, 2n]]);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});

describe('runTracks and timeline bounds', () => {
  it('answers for the widest int64 windows, saying the window was narrowed', async () => {
    for (const [fromNs, toNs] of [
      ['-9223372036854775808', '9223372036854775807'],
      ['0', '9223372036854775807'],
    ]) {
      const set = await svc.call('runTracks', { runId, fromNs, toNs, maxItemsPerTrack: 100 });
      expect(set.notes.some((n) => n.startsWith('the window was narrowed'))).toBe(true);
      expect(set.tracks.find((t) => t.id === 'states:src')?.total).toBeGreaterThan(1);
    }
  });

  it('refuses windows outside int64 or turned around, in one line', async () => {
    const bad = parseClientMessage({ kind: 'request', id: 1, method: 'runTracks', params: { runId, fromNs: '-99999999999999999999', toNs: '1', maxItemsPerTrack: 10 } });
    expect(bad).toMatchObject({ code: 'invalid-input' });
    expect((bad as { error: string }).error).toContain('params.fromNs');
    const f = await failure(svc.call('runTracks', { runId, fromNs: '10', toNs: '5', maxItemsPerTrack: 10 }));
    expect(f.code).toBe('invalid-input');
    expect(f.message).toBe('fromNs (10) is after toNs (5)');
  });

  it('names an unknown trace id once, and at most ten of them', async () => {
    const one = await failure(svc.call('timeline', { runId: null, traceIds: Array<number>(10_000).fill(2147483647), fromNs: null, toNs: null, namePattern: null, maxEvents: 10 }));
    expect(one.code).toBe('not-found');
    expect(one.message).toBe('no trace 2147483647 in this workspace');
    const known = new Set((await svc.call('listTraces', {})).map((t) => t.traceId));
    const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const unknown = ids.filter((id) => !known.has(id));
    const many = await failure(svc.call('timeline', { runId: null, traceIds: ids, fromNs: null, toNs: null, namePattern: null, maxEvents: 10 }));
    expect(many.message).toBe(`no trace ${unknown.slice(0, 10).join(', ')} and ${(unknown.length - 10).toLocaleString('en-US')} more in this workspace`);
  });
});
