// User SQL cannot change or destroy a workspace (every statement runs in a READ ONLY transaction;
// a locked-down session also refuses session-changing functions), trace removal is an explicit
// engine method, trace ids never repeat, and an ingest refuses a workspace whose tables were
// changed behind its back. On the real QEMU 7.2 and 10.2 samples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { EngineEvent } from '../../../src-main/contract.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { Workspace } from '../../../src-main/workspace/workspace.ts';
import { firstRefusedCall } from '../../../src-main/workspace/sql-guard.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';
import { failure } from '../../helpers/failure.ts';

const SRC72 = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz');
const DST72 = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/dst.log.gz');
const DIR102 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');

async function scalar(svc: EngineService, sql: string): Promise<unknown> {
  const r = await svc.call('runQuery', { sql });
  const page = await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1, sort: null });
  await svc.call('releaseResult', { handle: r.handle });
  return page.rows[0]?.[0];
}

/** Per-trace row counts of every table a trace owns: what must not change. */
const FINGERPRINT = `SELECT (SELECT list(trace_id || ':' || records ORDER BY trace_id) FROM traces)
  || (SELECT list(trace_id || ':' || n ORDER BY trace_id) FROM (SELECT trace_id, count(*) n FROM events GROUP BY ALL))
  || (SELECT list(trace_id || ':' || n ORDER BY trace_id) FROM (SELECT trace_id, count(*) n FROM unparsed GROUP BY ALL))
  || [(SELECT count(*) FROM migrate_set_state)::VARCHAR, (SELECT count(*) FROM duckdb_views() WHERE NOT temporary AND NOT internal)::VARCHAR]`;

async function ingestWith(file: string, inputs: string[], catalogues: string[]): Promise<void> {
  const e = await WorkspaceEngine.open(file);
  try {
    const r = await e.openInputs(inputs, { catalogues });
    expect(r.errors).toEqual([]);
  } finally {
    e.close();
  }
}

describe('user SQL is read-only against the workspace', () => {
  const tmp = scratch('qtw-safety-');
  const ws = path.join(tmp.dir, 'ws.duckdb');
  let served: EngineService;
  let before: unknown;

  beforeAll(async () => {
    await ingestWith(ws, [SRC72, DST72], [DEBIAN_72]);
    served = await EngineService.open(ws, { host: 'server', lockDown: true });
    before = JSON.stringify(await scalar(served, FINGERPRINT));
  }, 120_000);
  afterAll(async () => {
    await served?.close();
    tmp.cleanup();
  });

  it.each([
    'DELETE FROM migrate_set_state',
    'UPDATE traces SET side = NULL',
    'DROP VIEW events',
    'DROP VIEW migration_overview',
    'DROP TABLE traces CASCADE',
    'DROP TABLE migrate_set_state',
    'ALTER TABLE traces ADD COLUMN x INT',
    'INSERT INTO unparsed (trace_id) VALUES (1)',
    'CREATE TABLE mine AS SELECT 1',
    'CREATE OR REPLACE VIEW events AS SELECT 1',
    'TRUNCATE unparsed',
    'EXPLAIN ANALYZE DELETE FROM traces',
    "SELECT 1; DELETE FROM traces WHERE trace_id = 2",
    "UPDATE qtw_meta SET value = '0' WHERE key = 'last_trace_id'",
  ])('refuses %s and changes nothing', async (sql) => {
    const f = await failure(served.call('runQuery', { sql }));
    expect(f.message).toMatch(/Permission Error|read-only/);
    expect(f.message.split('\n')).toHaveLength(1);
    expect(JSON.stringify(await scalar(served, FINGERPRINT))).toBe(before);
  });

  it.each([
    // Statement text that our own splitter and DuckDB cut differently: an E'' escape and $tag$
    // strings hid a COMMIT and writes from the read-only transaction (found by an audit).
    "SELECT E'\\';SELECT $a$' || $a$ AS x; COMMIT; UPDATE traces SET records = 0 WHERE trace_id = 2; SELECT 2 AS y --$a$ AS z; SELECT 1 AS w",
    "SELECT E'\\';SELECT $a$' || $a$ AS x; COMMIT; CREATE TABLE main.pwned AS SELECT 42 AS x; SELECT 2 AS y --$a$ AS z; SELECT 1 AS w",
    "SELECT $$;$$ AS s; COMMIT; DELETE FROM traces; SELECT 1",
  ])('cannot smuggle writes past the read-only transaction: %s', async (sql) => {
    await served.call('runQuery', { sql }).catch(() => undefined);
    expect(JSON.stringify(await scalar(served, FINGERPRINT))).toBe(before);
    expect(await scalar(served, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'pwned'")).toBe(0);
  });

  it('pages the result of a statement whose text holds quoting our splitter must follow', async () => {
    const r = await served.call('runQuery', { sql: "SELECT 1 AS a; SELECT $$;$$ AS s, E'\\';' AS e, range AS n FROM range(3) /* ; /* ; */ ; */ -- ;\r" });
    expect(r.rowCount).toBe(3);
    expect((await served.call('fetchRows', { handle: r.handle, offset: 0, count: 5, sort: { column: 'n', desc: true } })).rows).toEqual([
      [';', "';", 2],
      [';', "';", 1],
      [';', "';", 0],
    ]);
  });

  it('keeps at most 100,000 rows of a result it cannot page, and says so beyond', async () => {
    // A DuckDB statement count our splitter cannot match ($$ with an unclosed quote inside) is kept in memory.
    const small = await served.call('runQuery', { sql: 'SELECT 1; DESCRIBE traces' });
    expect(small.rowCount).toBeGreaterThan(20);
    const f = await failure(served.call('runQuery', { sql: 'SELECT 1; PIVOT (SELECT range % 200000 AS k, 1 AS v FROM range(200000)) ON v USING count(*) GROUP BY k' }));
    expect(f.message).toMatch(/more than 100,000 rows and cannot be paged as it is/);
    expect(await scalar(served, 'SELECT 41 + 1')).toBe(42);
  });

  it('cuts a page of huge cells short instead of building gigabytes in the engine', async () => {
    const r = await served.call('runQuery', { sql: "SELECT range AS i, repeat('x', 1048576) AS s FROM range(200)" });
    expect(r.rowCount).toBe(200);
    const page = await served.call('fetchRows', { handle: r.handle, offset: 10, count: 5000, sort: null });
    // 64 MiB of text per page at most: 63 rows of 1 MiB (and a bit), starting where asked.
    expect(page.rows.length).toBe(63);
    expect(page.rows[0][0]).toBe(10);
    expect((page.rows[0][1] as string).length).toBe(1048576);
    const next = await served.call('fetchRows', { handle: r.handle, offset: 73, count: 5000, sort: { column: 'i', desc: false } });
    expect(next.rows[0][0]).toBe(73);
    await served.call('releaseResult', { handle: r.handle });
    const huge = await served.call('runQuery', { sql: "SELECT repeat('y', 70 * 1048576) AS s" });
    expect((await failure(served.call('fetchRows', { handle: huge.handle, offset: 0, count: 1, sort: null }))).message).toMatch(/row 1 of this result is 70 MiB as text, too large to show/);
    await served.call('releaseResult', { handle: huge.handle });
  });

  it('refuses transaction control, which would lift the read-only transaction', async () => {
    for (const sql of ['BEGIN', 'COMMIT', 'ROLLBACK', 'BEGIN TRANSACTION; DELETE FROM traces; COMMIT']) {
      expect((await failure(served.call('runQuery', { sql }))).message).toMatch(/BEGIN, COMMIT and ROLLBACK are not allowed/);
    }
    expect(JSON.stringify(await scalar(served, FINGERPRINT))).toBe(before);
  });

  it('keeps temp tables, views and macros of the user working', async () => {
    await served.call('runQuery', { sql: 'CREATE TEMP TABLE st AS SELECT side, count(*) AS n FROM events GROUP BY side' });
    await served.call('runQuery', { sql: "CREATE OR REPLACE TEMP VIEW states AS SELECT new_state FROM migrate_set_state WHERE side = 'src'" });
    await served.call('runQuery', { sql: 'CREATE OR REPLACE TEMP MACRO ms(ns) AS ns / 1e6' });
    await served.call('runQuery', { sql: 'INSERT INTO st VALUES (NULL, 0)' });
    expect(await scalar(served, 'SELECT count(*) FROM st')).toBe(3);
    expect(await scalar(served, "SELECT list(new_state ORDER BY new_state) FROM states")).toEqual(['active', 'completed', 'setup']);
    expect(await scalar(served, 'SELECT ms(2500000)')).toBe(2.5);
    await served.call('runQuery', { sql: 'DROP TABLE st' });
    expect((await failure(served.call('runQuery', { sql: 'SELECT * FROM st' }))).message).toMatch(/st does not exist/);
  });

  it.each([
    "CALL enable_logging(storage='file', storage_path='x')",
    "SELECT * FROM enable_logging(storage = 'file')",
    'SELECT * FROM "ENABLE_LOGGING" /* c */ ()',
    'CALL truncate_duckdb_logs()',
    "SELECT * FROM query('DELETE FROM traces')",
    "SELECT * FROM query_table('traces')",
    'CHECKPOINT',
    'FORCE CHECKPOINT',
    'PRAGMA enable_profiling',
    'PRAGMA disable_optimizer',
    'PRAGMA force_checkpoint',
    "SELECT $$'$$, * FROM enable_logging()",
    'CREATE TEMP MACRO m() AS TABLE SELECT * FROM disable_logging()',
    'VACUUM',
    "SET VARIABLE x = 1",
    "SELECT * FROM query --x\r('SELECT 42')",
    "SELECT * FROM enable_logging --x\r(storage='file', storage_path='x.csv')",
  ])('a locked-down session refuses %s', async (sql) => {
    const f = await failure(served.call('runQuery', { sql }));
    expect(f.message).toMatch(/Permission Error: .* not allowed in this session/);
    // ... and the session still answers, with every row.
    expect(JSON.stringify(await scalar(served, FINGERPRINT))).toBe(before);
  });

  it('a locked-down session still shows things', async () => {
    expect(await scalar(served, 'PRAGMA version')).toMatch(/^v\d/);
    expect(await scalar(served, 'CALL pragma_version()')).toMatch(/^v\d/);
    expect(await scalar(served, "SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'traces'")).toBe(true);
    expect(await scalar(served, "SELECT count(*) FROM pragma_table_info('traces') WHERE name = 'sha256'")).toBe(1);
    expect(await scalar(served, 'SELECT count(*) FROM range(5)')).toBe(5);
    const shown = await served.call('runQuery', { sql: 'SHOW TABLES' });
    expect(shown.rowCount).toBeGreaterThan(5);
    expect(await scalar(served, 'SELECT sum(x) FROM unnest([1, 2, 3]) t(x)')).toBe(6);
    // The analyses' own table macros are the workspace's SQL, not DuckDB's session switches.
    expect(await scalar(served, 'SELECT count(*) >= 0 FROM multifd_throughput(100)')).toBe(true);
    expect(await scalar(served, 'SELECT count(*) >= 0 FROM postcopy_latency_histogram(1)')).toBe(true);
  });

  it('the changes are not in the file either: a reopened workspace has every row', async () => {
    await served.close();
    served = await EngineService.open(ws, { host: 'server', lockDown: true });
    expect(JSON.stringify(await scalar(served, FINGERPRINT))).toBe(before);
  });

  it('the desktop session is read-only against the workspace too', async () => {
    await served.close();
    const desk = await EngineService.open(ws, { host: 'electron' });
    try {
      expect((await failure(desk.call('runQuery', { sql: 'DELETE FROM events_nope; DELETE FROM traces' }))).message).toMatch(/events_nope|Permission/);
      expect((await failure(desk.call('runQuery', { sql: 'DELETE FROM traces' }))).message).toMatch(/Permission Error: SQL cannot change the workspace/);
      expect(JSON.stringify(await scalar(desk, FINGERPRINT))).toBe(before);
    } finally {
      await desk.close();
      served = await EngineService.open(ws, { host: 'server', lockDown: true });
    }
  });
});

describe('firstRefusedCall', () => {
  const refused = new Set(['enable_logging', 'query']);
  it('finds calls whatever the quoting, case and comments', () => {
    expect(firstRefusedCall('SELECT * FROM Enable_Logging()', refused)).toBe('enable_logging');
    expect(firstRefusedCall('select * from main."query" -- x\n (\'x\')', refused)).toBe('query');
    expect(firstRefusedCall('SELECT count(x) FROM t WHERE f(g(query(1)))', refused)).toBe('query');
    expect(firstRefusedCall('SELECT query_id, enable_logging_x() FROM t', refused)).toBeNull();
    expect(firstRefusedCall('SELECT query FROM t', refused)).toBeNull();
  });
});

describe('trace removal, ids that never repeat, and ingest into a damaged workspace', () => {
  const tmp = scratch('qtw-remove-');
  afterAll(() => tmp.cleanup());

  it('removes a trace with all its rows; the next trace gets a new id; ingest is exact again', async () => {
    const ws = path.join(tmp.dir, 'rm.duckdb');
    await ingestWith(ws, [SRC72, DST72], [DEBIAN_72]);
    const svc = await EngineService.open(ws, { host: 'server', lockDown: true });
    const events: EngineEvent[] = [];
    svc.onEvent((e) => events.push(e));
    try {
      const traces = await svc.call('listTraces', {});
      const dst = traces.find((t) => t.side === 'dst');
      expect(dst).toBeDefined();
      const dstId = dst?.traceId ?? -1;
      const dstEvents = dst?.events ?? -1;
      const tablesBefore = Number(await scalar(svc, 'SELECT count(*) FROM qtw_event_tables'));
      expect(await svc.call('removeTraces', { traceIds: [dstId, 999] })).toEqual({ removed: [dstId] });
      expect(events.some((e) => e.type === 'tracesChanged')).toBe(true);
      expect((await svc.call('listTraces', {})).map((t) => t.traceId)).toEqual(traces.filter((t) => t.traceId !== dstId).map((t) => t.traceId));
      expect(await scalar(svc, `SELECT count(*) FROM events WHERE trace_id = ${dstId}`)).toBe(0);
      expect(await scalar(svc, `SELECT count(*) FROM unparsed WHERE trace_id = ${dstId}`)).toBe(0);
      // Events only the destination traced have no table left.
      expect(Number(await scalar(svc, 'SELECT count(*) FROM qtw_event_tables'))).toBeLessThan(tablesBefore);
      expect(await scalar(svc, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'qemu_loadvm_state_section_startfull'")).toBe(0);
      // The analysis views follow what is left.
      expect(await scalar(svc, "SELECT count(*) FROM migration_overview WHERE side = 'dst'")).toBe(0);
      expect(Number(await scalar(svc, "SELECT count(*) FROM migration_overview WHERE side = 'src'"))).toBeGreaterThan(0);

      await svc.call('openInputs', { paths: [DST72], options: { catalogues: [DEBIAN_72] } });
      await svc.jobsIdle();
      const again = (await svc.call('listTraces', {})).find((t) => t.side === 'dst');
      expect(again?.traceId).toBeGreaterThan(dstId);
      expect(again?.events).toBe(dstEvents);
      expect(await scalar(svc, `SELECT count(*) FROM events WHERE trace_id = ${again?.traceId}`)).toBe(dstEvents);
      expect(await scalar(svc, `SELECT count(*) FROM events WHERE trace_id NOT IN (SELECT trace_id FROM traces)`)).toBe(0);
    } finally {
      await svc.close();
    }
    // The last id given survives a reopen: removing the newest trace does not hand its id out again.
    const e = await WorkspaceEngine.open(ws);
    try {
      const newest = Math.max(...(await e.listTraces()).map((t) => t.traceId));
      expect(await e.removeTraces([newest])).toEqual([newest]);
      const r = await e.openInputs([DST72], { catalogues: [DEBIAN_72] });
      expect(r.traces[0].traceId).toBe(newest + 1);
    } finally {
      e.close();
    }
  }, 180_000);

  it('refuses removal while an ingest runs, and removal of nothing is a no-op', async () => {
    const ws = path.join(tmp.dir, 'busy.duckdb');
    const svc = await EngineService.open(ws, { host: 'server' });
    try {
      expect(await svc.call('removeTraces', { traceIds: [1] })).toEqual({ removed: [] });
      await svc.call('openInputs', { paths: [path.join(DIR102, 'src.simple.gz'), path.join(DIR102, 'dst.log.gz')], options: { catalogues: [path.join(DIR102, 'trace-events-all')] } });
      const f = await failure(svc.call('removeTraces', { traceIds: [1] }));
      expect(f.message).toMatch(/an ingest is running/);
      await svc.jobsIdle();
      expect((await svc.call('listTraces', {})).length).toBe(2);
      expect((await svc.call('removeTraces', { traceIds: [1, 2] })).removed).toEqual([1, 2]);
      expect(await scalar(svc, 'SELECT count(*) FROM events')).toBe(0);
      expect(await scalar(svc, 'SELECT count(*) FROM qtw_event_tables')).toBe(0);
    } finally {
      await svc.close();
    }
  }, 120_000);

  it.each([
    ['rows deleted from an event table', 'DELETE FROM migrate_set_state WHERE trace_id = 1', /trace 1 no longer has the rows ingest stored/],
    ['the traces table dropped', 'DROP TABLE traces CASCADE', /rows of trace ids 1, 2 that are not in traces/],
    ['an event table dropped', 'DROP TABLE migrate_set_state', /event table migrate_set_state missing/],
    ['a trace row deleted', 'DELETE FROM traces WHERE trace_id = 2', /rows of trace id 2 that is not in traces/],
  ])('an ingest refuses a workspace with %s, saying so, and adds nothing', async (_what, damage, why) => {
    const ws = path.join(tmp.dir, `damaged-${Math.random().toString(36).slice(2)}.duckdb`);
    await ingestWith(ws, [SRC72, DST72], [DEBIAN_72]);
    // What a hand-edit (or an older version that let user SQL write) leaves behind.
    const raw = await Workspace.open(ws);
    try {
      await raw.conn.run(damage);
    } finally {
      raw.close();
    }
    const e = await WorkspaceEngine.open(ws);
    try {
      const before = (await e.ws.conn.runAndReadAll('SELECT count(*) FROM traces')).getRows()[0][0];
      const err = await e.openInputs([path.join(DIR102, 'dst.log.gz')], { catalogues: [path.join(DIR102, 'trace-events-all')] }).then(
        () => null,
        (x: unknown) => (x as Error).message,
      );
      expect(err).toMatch(/the workspace is inconsistent/);
      expect(err).toMatch(why);
      expect(err?.split('\n')).toHaveLength(1);
      expect((await e.ws.conn.runAndReadAll('SELECT count(*) FROM traces')).getRows()[0][0]).toBe(before);
    } finally {
      e.close();
    }
  }, 120_000);
});

describe('sessions of one service (the WebSockets of qtw serve)', () => {
  const tmp = scratch('qtw-sessions-');
  afterAll(() => tmp.cleanup());
  const SLOW = 'SELECT count(*) FROM range(3000000000) t(x) WHERE x % 7 = 3';

  it('a session cancels only its own query, and an ended session has its query stopped', async () => {
    const svc = await EngineService.open(path.join(tmp.dir, 's.duckdb'), { host: 'server', lockDown: true });
    try {
      const slow = svc.call('runQuery', { sql: SLOW }, { session: 1 }).then(
        () => 'finished',
        (e: unknown) => (e as { message: string }).message,
      );
      await new Promise((r) => setTimeout(r, 300));
      // Another page's Esc, or another page going away, does not touch it.
      expect(await svc.call('cancelQuery', {}, { session: 2 })).toEqual({ cancelled: false });
      svc.sessionClosed(2);
      const queued = svc.call('runQuery', { sql: 'SELECT 7' }, { session: 3 });
      svc.sessionClosed(3);
      await new Promise((r) => setTimeout(r, 300));
      svc.sessionClosed(1);
      expect(await slow).toMatch(/INTERRUPT/);
      // A query queued by a session that then ended never runs.
      expect((await failure(queued)).message).toMatch(/its client went away/);
      expect(await scalar(svc, 'SELECT 1')).toBe(1);
    } finally {
      await svc.close();
    }
  }, 60_000);
});

describe('result handles and temp space', () => {
  const tmp = scratch('qtw-handles-');
  afterAll(() => tmp.cleanup());

  it('releases a result nobody used for the idle time', async () => {
    const svc = await EngineService.open(path.join(tmp.dir, 'idle.duckdb'), { host: 'server', idleResultMs: 150 });
    try {
      const kept = await svc.call('runQuery', { sql: 'SELECT range AS i FROM range(10)' });
      const idle = await svc.call('runQuery', { sql: 'SELECT range AS i FROM range(10)' });
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await svc.call('fetchRows', { handle: kept.handle, offset: 0, count: 1, sort: null });
      }
      expect((await failure(svc.call('fetchRows', { handle: idle.handle, offset: 0, count: 1, sort: null }))).message).toMatch(/unknown result handle/);
      expect((await svc.call('fetchRows', { handle: kept.handle, offset: 9, count: 1, sort: null })).rows).toEqual([[9]]);
      expect(await scalar(svc, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'qtw_result_${idle.handle}'`)).toBe(0);
    } finally {
      await svc.close();
    }
  });

  it('a query spilling past the temp-space cap fails with a clear message and the session goes on', async () => {
    // A desktop session may lower its memory limit, which makes a modest sort spill.
    const svc = await EngineService.open(path.join(tmp.dir, 'spill.duckdb'), { host: 'electron', maxTempSize: '4MiB' });
    try {
      await svc.call('runQuery', { sql: "SET memory_limit = '64MB'; SET threads = 1" });
      const f = await failure(
        svc.call('runQuery', { sql: 'SELECT s FROM (SELECT md5(range::VARCHAR) AS s FROM range(4000000) ORDER BY s) LIMIT 1 OFFSET 3999999' }),
      );
      expect(f.message).toMatch(/needs more temporary disk space than this session allows/);
      expect(await scalar(svc, 'SELECT 41 + 1')).toBe(42);
    } finally {
      await svc.close();
    }
  }, 120_000);
});
