// The query side of EngineService: paging a 10M-row result, sorting, cancel, error positions,
// wire cells, and a locked-down session that refuses file access from user SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { EngineEvent } from '../../../src-main/contract.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../helpers/paths.ts';
import { failure } from '../../helpers/failure.ts';

const tmp = scratch('qtw-svc-query-');
let svc: EngineService;

beforeAll(async () => {
  svc = await EngineService.open(path.join(tmp.dir, 'q.duckdb'), { host: 'server' });
});
afterAll(async () => {
  await svc?.close();
  tmp.cleanup();
});

describe('EngineService queries', () => {
  it('pages a 10M-row result at its end exactly', async () => {
    const r = await svc.call('runQuery', { sql: 'SELECT range AS i FROM range(10000000)' });
    expect(r.rowCount).toBe(10_000_000);
    expect(r.columns).toEqual([{ name: 'i', type: 'BIGINT' }]);
    const page = await svc.call('fetchRows', { handle: r.handle, offset: 9_999_900, count: 100, sort: null });
    expect(page.rows.map((x) => x[0])).toEqual(Array.from({ length: 100 }, (_, k) => 9_999_900 + k));
    // A page never exceeds the cap, whatever is asked.
    const big = await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1_000_000, sort: null });
    expect(big.rows.length).toBe(5000);
    const sorted = await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 3, sort: { column: 'i', desc: true } });
    expect(sorted.rows).toEqual([[9_999_999], [9_999_998], [9_999_997]]);
    const sorted2 = await svc.call('fetchRows', { handle: r.handle, offset: 5_000_000, count: 2, sort: { column: 'i', desc: true } });
    expect(sorted2.rows).toEqual([[4_999_999], [4_999_998]]);
    const bad = await failure(svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1, sort: { column: 'nope', desc: false } }));
    expect(bad).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/no column "nope"/) });
    await svc.call('releaseResult', { handle: r.handle });
    expect(await failure(svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1, sort: null }))).toMatchObject({ code: 'not-found', message: expect.stringMatching(/unknown result handle/) });
  }, 60_000);

  it('sends 64-bit values beyond 2^53 as decimal strings, others as numbers', async () => {
    const r = await svc.call('runQuery', {
      sql: `SELECT 18446744073709551615::UBIGINT AS big, 9007199254740991::BIGINT AS safe, -9007199254740993::BIGINT AS neg,
                   '\\xDE\\xAD'::BLOB AS b, DATE '2024-02-29' AS d`,
    });
    expect(r.columns.map((c) => c.type)).toEqual(['UBIGINT', 'BIGINT', 'BIGINT', 'BLOB', 'DATE']);
    const p = await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1, sort: null });
    expect(p.rows[0][0]).toBe('18446744073709551615');
    expect(p.rows[0][1]).toBe(9007199254740991);
    expect(p.rows[0][2]).toBe('-9007199254740993');
    expect(p.rows[0][3]).toBe('dead');
    expect(String(p.rows[0][4])).toMatch(/^2024-02-29/);
  });

  it('reports a syntax error with its character offset', async () => {
    const sql = 'SELECT 1 AS a,\n  2 AS b\nFROM range(3) WHER range > 1';
    const f = await failure(svc.call('runQuery', { sql }));
    expect(f.message).not.toMatch(/\n/);
    expect(f.message).toMatch(/syntax error/i);
    expect(f.code).toBe('sql');
    expect(f.message).not.toMatch(/LINE \d+:/);
    // DuckDB points at the token after the bogus WHER (it parses WHER as an alias).
    expect(f.position).toBe(sql.indexOf('range > 1'));
  });

  it('reports an unknown column with its offset, also in a later statement and in a long line', async () => {
    const one = 'SELECT range, nosuchcol FROM range(3)';
    expect((await failure(svc.call('runQuery', { sql: one }))).position).toBe(one.indexOf('nosuchcol'));
    const multi = 'SELECT 1;\n-- second\nSELECT range,\n       nosuchcol FROM range(3)';
    const f = await failure(svc.call('runQuery', { sql: multi }));
    expect(f.message).toMatch(/nosuchcol/);
    expect(f.position).toBe(multi.indexOf('nosuchcol'));
    const long = `SELECT ${Array.from({ length: 40 }, (_, i) => `range AS c${i}`).join(', ')}, nosuchcol FROM range(3)`;
    expect((await failure(svc.call('runQuery', { sql: long }))).position).toBe(long.indexOf('nosuchcol'));
  });

  it('cancels a slow query and stays usable', async () => {
    const slow = svc.call('runQuery', { sql: 'SELECT count(*) FROM range(100000000000) a, range(1000) b WHERE (a.range * b.range) % 7 = 3' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await svc.call('cancelQuery', {})).toEqual({ cancelled: true });
    // The query would run for hours: the test timeout is the guard against a cancel that does
    // nothing. How fast it stops is a bench figure (npm run bench), not an assertion.
    const f = await failure(slow);
    expect(f.message).toMatch(/interrupt/i);
    expect(f.code).toBe('cancelled');
    expect(await svc.call('cancelQuery', {})).toEqual({ cancelled: false });
    const r = await svc.call('runQuery', { sql: 'SELECT 42 AS x' });
    expect((await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1, sort: null })).rows).toEqual([[42]]);
  });

  it('suggests charts from column types', async () => {
    const line = await svc.call('runQuery', { sql: 'SELECT range * 1000 AS ts_ns, range % 17 AS v FROM range(100)' });
    expect((await svc.call('suggestChart', { handle: line.handle })).spec).toMatchObject({ kind: 'line', x: 'ts_ns', y: ['v'] });
    const bar = await svc.call('runQuery', { sql: "SELECT 'k' || (range % 3) AS name, count(*) AS n FROM range(10) GROUP BY 1" });
    expect((await svc.call('suggestChart', { handle: bar.handle })).spec).toMatchObject({ kind: 'bar', x: 'name', y: ['n'] });
    const hist = await svc.call('runQuery', { sql: 'SELECT random() AS r FROM range(10)' });
    expect((await svc.call('suggestChart', { handle: hist.handle })).spec).toMatchObject({ kind: 'histogram', x: 'r' });
    const none = await svc.call('runQuery', { sql: "SELECT 'a' AS s" });
    expect((await svc.call('suggestChart', { handle: none.handle })).spec).toBeNull();
  });

  it('downsamples a million-row line to maxPoints per series, keeping the extremes', async () => {
    const r = await svc.call('runQuery', {
      sql: `SELECT 1700000000000000000 + range * 1000 AS ts_ns, CASE WHEN range = 654321 THEN 1e6 ELSE sin(range / 1000.0) END AS v,
                   CASE WHEN range % 2 = 0 THEN 'even' ELSE 'odd' END AS side FROM range(1000000)`,
    });
    const d = await svc.call('chartData', { handle: r.handle, spec: { kind: 'line', x: 'ts_ns', y: ['v'], series: 'side', maxPoints: 1000 } });
    expect(d.xType).toBe('time');
    expect(d.sampled).toBe(true);
    expect(d.sourceRows).toBe(1_000_000);
    expect(d.series.map((s) => s.name).sort()).toEqual(['even', 'odd']);
    for (const s of d.series) {
      expect(s.x.length).toBeLessThanOrEqual(1000);
      expect(s.x.length).toBe(s.y.length);
      // x is absolute float ms: 1.7e18 ns = 1.7e12 ms.
      expect(Number(s.x[0])).toBeCloseTo(1_700_000_000_000 + (s.name === 'even' ? 0 : 0.001), 3);
    }
    // The single spike (row 654321, odd) survives downsampling.
    expect(Math.max(...d.series.find((s) => s.name === 'odd')!.y)).toBe(1e6);
    expect(d.points).toBe(d.series.reduce((a, s) => a + s.x.length, 0));
  }, 30_000);
});

describe('scatter and histogram charts', () => {
  it('stride-samples a scatter to maxPoints and bins a histogram that sums to the row count', async () => {
    const r = await svc.call('runQuery', { sql: 'SELECT range AS a, (range * 7919) % 1000 AS b FROM range(100000)' });
    expect((await svc.call('suggestChart', { handle: r.handle })).spec).toMatchObject({ kind: 'scatter', x: 'a', y: ['b'] });
    const sc = await svc.call('chartData', { handle: r.handle, spec: { kind: 'scatter', x: 'a', y: ['b'], series: null, maxPoints: 1000 } });
    expect(sc.sampled).toBe(true);
    expect(sc.series[0].x).toHaveLength(1000);
    expect(sc.series[0].x.slice(0, 3)).toEqual([0, 100, 200]);
    expect(sc.series[0].y[1]).toBe((100 * 7919) % 1000);
    const h = await svc.call('chartData', { handle: r.handle, spec: { kind: 'histogram', x: 'b', y: [], series: null, maxPoints: 100, bins: 10 } });
    expect(h.series[0].y).toHaveLength(10);
    expect(h.series[0].y.reduce((x, y) => x + y, 0)).toBe(100_000);
    expect(h.series[0].x[0]).toBe(0);
    const bad = await failure(svc.call('chartData', { handle: r.handle, spec: { kind: 'line', x: 'a', y: ['zz'], series: null, maxPoints: 10 } }));
    expect(bad.message).toMatch(/no column "zz"/);
  });

  it('charts only an x window at full detail when asked (a zoomed chart)', async () => {
    const r = await svc.call('runQuery', { sql: 'SELECT range AS a, (range * 7919) % 1000 AS b FROM range(100000)' });
    const spec = { kind: 'scatter' as const, x: 'a', y: ['b'], series: null, maxPoints: 1000 };
    const win = await svc.call('chartData', { handle: r.handle, spec: { ...spec, xRange: [40_000, 40_499.5] } });
    // 500 rows fit the budget: every one, exactly.
    expect(win.sampled).toBe(false);
    expect(win.series[0].x).toEqual(Array.from({ length: 500 }, (_, i) => 40_000 + i));
    expect(win.series[0].y[7]).toBe((40_007 * 7919) % 1000);
    const line = await svc.call('chartData', { handle: r.handle, spec: { ...spec, kind: 'line', xRange: [10_000, 30_000] } });
    expect(line.sampled).toBe(true);
    expect(Math.min(...line.series[0].x.map(Number))).toBe(10_000);
    expect(Math.max(...line.series[0].x.map(Number))).toBe(30_000);
    // The transport rejects malformed ranges (rpc-validate); the engine still refuses a non-finite one.
    const f = await failure(svc.call('chartData', { handle: r.handle, spec: { ...spec, xRange: [0, Infinity] } }));
    expect(f.message).toMatch(/x range bound Infinity is not a finite number/);
  });
});

describe('EngineService on an empty workspace', () => {
  it('browses the embedded catalogue and answers schema and timeline without traces', async () => {
    const trees = await svc.call('catalogueTree', {});
    expect(trees).toHaveLength(1);
    const embedded = readFileSync(path.join(REPO, 'resources/catalogues/migration.trace-events'), 'utf8');
    const names = new Set([...embedded.matchAll(/^(?:[a-z-]+ )*([A-Za-z0-9_]+)\(/gm)].map((m) => m[1]));
    expect(new Set(trees[0].events.map((e) => e.name))).toEqual(names);
    expect(trees[0].events.every((e) => !e.hasTable && e.total === 0)).toBe(true);
    expect(trees[0].events.find((e) => e.name === 'migrate_set_state')?.subsystem).toBe('migration');
    const s = await svc.call('schema', {});
    expect(s.tables.filter((t) => t.kind === 'event')).toEqual([]);
    expect(s.tables.find((t) => t.name === 'traces')?.rows).toBe(0);
    const tl = await svc.call('timeline', { runId: null, traceIds: null, fromNs: null, toNs: null, namePattern: null, maxEvents: 100 });
    expect(tl).toMatchObject({ lanes: [], events: [], truncated: false, totalInWindow: 0 });
  });
});

describe('locked-down EngineService', () => {
  const dir = scratch('qtw-svc-lock-');
  let locked: EngineService;
  const allowed = new Set<string>();
  beforeAll(async () => {
    locked = await EngineService.open(path.join(dir.dir, 'l.duckdb'), { host: 'server', lockDown: true, allowExport: (p) => allowed.delete(p) });
  });
  afterAll(async () => {
    await locked?.close();
    dir.cleanup();
  });

  it('refuses file access, ATTACH and settings from user SQL', async () => {
    for (const sql of [
      "SELECT * FROM read_csv('/etc/passwd')",
      `COPY (SELECT 1) TO '${path.join(dir.dir, 'x.csv')}'`,
      `ATTACH '${path.join(dir.dir, 'other.duckdb')}'`,
      'SET enable_external_access = true',
      "SET memory_limit = '10GB'",
      'LOAD parquet',
    ]) {
      const f = await failure(locked.call('runQuery', { sql }));
      expect(f.message, sql).toMatch(/permission|not allowed|disabled|cannot/i);
      expect(f.code, sql).toBe('read-only');
    }
    expect(existsSync(path.join(dir.dir, 'x.csv'))).toBe(false);
    expect(existsSync(path.join(dir.dir, 'other.duckdb'))).toBe(false);
  });

  it('still ingests new files and exports results through exportResult', async () => {
    const events: EngineEvent[] = [];
    locked.onEvent((e) => events.push(e));
    const file = path.join(SAMPLES, 'qemu-7.2.22-log', 'qemu-7.2.22-log-nots-multifd-src.log');
    const { jobId } = await locked.call('openInputs', { paths: [file], options: { catalogues: [DEBIAN_72] } });
    await locked.jobsIdle();
    const done = events.find((e) => e.type === 'ingestDone' && e.jobId === jobId);
    expect(done?.type === 'ingestDone' && done.summary.errors).toEqual([]);
    expect(done?.type === 'ingestDone' && done.summary.traces.length).toBe(1);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).length;
    const r = await locked.call('runQuery', { sql: 'SELECT name, count(*) AS n FROM events GROUP BY name ORDER BY n DESC, name' });
    const all = await locked.call('fetchRows', { handle: r.handle, offset: 0, count: 5000, sort: null });
    expect(all.rows.reduce((a, row) => a + Number(row[1]), 0)).toBe(lines);
    const out = path.join(dir.dir, 'counts.parquet');
    // Only paths the host allowed, once each.
    expect((await failure(locked.call('exportResult', { handle: r.handle, format: 'parquet', path: out }))).message).toMatch(/not allowed/);
    allowed.add(out);
    expect(await locked.call('exportResult', { handle: r.handle, format: 'parquet', path: out })).toEqual({ path: out, rows: r.rowCount });
    const check = await DuckDBInstance.create(':memory:');
    const c = await check.connect();
    const back = (await c.runAndReadAll(`SELECT name, n FROM '${out}'`)).getRowsJS();
    expect(back.map((row) => [row[0], Number(row[1])])).toEqual(all.rows.map((row) => [row[0], Number(row[1])]));
    c.closeSync();
    check.closeSync();
  }, 60_000);
});

describe('read-only EngineService', () => {
  it('answers queries with paged results but refuses to add traces; reports itself in workspaceInfo', async () => {
    const dir = scratch('qtw-svc-ro-');
    try {
      const file = path.join(dir.dir, 'ro.duckdb');
      await (await EngineService.open(file, { host: 'server' })).close();
      const ro = await EngineService.open(file, { host: 'electron', readOnly: true });
      try {
        const info = await ro.call('workspaceInfo', {});
        const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
        expect(info).toEqual({ path: file, readOnly: true, host: 'electron', version: pkg.version });
        const r = await ro.call('runQuery', { sql: 'SELECT range AS i FROM range(20000)' });
        const p = await ro.call('fetchRows', { handle: r.handle, offset: 19_998, count: 10, sort: null });
        expect(p.rows).toEqual([[19_998], [19_999]]);
        expect(await ro.call('listTraces', {})).toEqual([]);
        const f = await failure(ro.call('openInputs', { paths: ['/nonexistent.log'], options: {} }));
        expect(f).toMatchObject({ code: 'read-only', message: expect.stringMatching(/read-only/) });
      } finally {
        await ro.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});
