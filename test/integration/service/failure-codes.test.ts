// Every failure code from a real cause, through the one EngineService and the RPC boundary:
// DuckDB errors on user SQL, interrupts, writes refused read-only (by the transaction, the
// workspace and a locked-down session), unknown methods/handles/traces, malformed requests,
// and the engine's own trouble. The renderer switches on these codes, so each must be right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FailureCode, QueryFailure } from '../../../src-main/contract.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { isQueryFailure, toQueryFailure } from '../../../src-main/service/failure.ts';
import { handleRaw } from '../../../src-main/service/rpc-dispatch.ts';
import { scratch } from '../../helpers/paths.ts';
import { failure } from '../../helpers/failure.ts';

const tmp = scratch('qtw-failure-codes-');
const file = path.join(tmp.dir, 'f.duckdb');
let svc: EngineService;

beforeAll(async () => {
  svc = await EngineService.open(file, { host: 'server' });
});
afterAll(async () => {
  await svc?.close();
  tmp.cleanup();
});

/** The failure of a call, checked to be exactly a QueryFailure (code, message, position). */
async function fails(p: Promise<unknown>): Promise<QueryFailure> {
  const f = await failure(p);
  expect(isQueryFailure(f), JSON.stringify(f)).toBe(true);
  expect(f.message).not.toMatch(/\n|\s at /);
  return f;
}

async function code(p: Promise<unknown>): Promise<FailureCode> {
  return (await fails(p)).code;
}

describe('failure codes', () => {
  it('sql: DuckDB parser, binder, catalog and conversion errors on user SQL, with their position', async () => {
    const cases: [string, string | null][] = [
      ['SELEC 1', 'SELEC'],
      ['SELECT nosuchcol FROM traces', 'nosuchcol'],
      ['SELECT * FROM no_such_table', 'no_such_table'],
      ["SELECT 'x'::INTEGER", null],
      ['SELECT 2147483647::INTEGER + 1', null],
    ];
    for (const [sql, at] of cases) {
      const f = await fails(svc.call('runQuery', { sql }));
      expect(f.code, sql).toBe('sql');
      if (at !== null) expect(f.position, sql).toBe(sql.indexOf(at));
    }
  });

  it('cancelled: a query interrupted by cancelQuery, or whose client went away', async () => {
    const slow = svc.call('runQuery', { sql: 'SELECT count(*) FROM range(100000000000) a, range(1000) b WHERE (a.range * b.range) % 7 = 3' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await svc.call('cancelQuery', {})).toEqual({ cancelled: true });
    const f = await fails(slow);
    expect(f).toMatchObject({ code: 'cancelled', position: null });
    expect(f.message).toMatch(/^INTERRUPT Error/);
    svc.sessionClosed(77);
    expect(await code(svc.call('runQuery', { sql: 'SELECT 1' }, { session: 77 }))).toBe('cancelled');
  });

  it('read-only: user SQL that writes the workspace, and transaction control, keeping their messages', async () => {
    const del = await fails(svc.call('runQuery', { sql: 'DELETE FROM traces' }));
    expect(del.code).toBe('read-only');
    expect(del.message).toMatch(/^Permission Error: SQL cannot change the workspace: use CREATE TEMP TABLE/);
    expect(await code(svc.call('runQuery', { sql: 'CREATE TABLE mine AS SELECT 1 AS a' }))).toBe('read-only');
    const begin = await fails(svc.call('runQuery', { sql: 'BEGIN TRANSACTION' }));
    expect(begin).toMatchObject({ code: 'read-only', message: expect.stringMatching(/BEGIN, COMMIT and ROLLBACK are not allowed/) });
    // Own objects stay writable: not every write is refused.
    await svc.call('runQuery', { sql: 'CREATE TEMP TABLE mine AS SELECT 1 AS a' });
  });

  it('read-only: every change to a workspace opened read-only', async () => {
    const ro = await EngineService.open(file, { host: 'electron', readOnly: true });
    try {
      expect(await code(ro.call('runQuery', { sql: 'DELETE FROM traces' }))).toBe('read-only');
      expect(await code(ro.call('openInputs', { paths: ['/nonexistent.log'], options: {} }))).toBe('read-only');
      expect(await code(ro.call('removeTraces', { traceIds: [1] }))).toBe('read-only');
      expect(await code(ro.call('setClockOffset', { traceId: 1, offsetNs: '5' }))).toBe('read-only');
      expect(await code(ro.call('saveReport', { report: { title: 't', items: [] } }))).toBe('read-only');
      expect(await code(ro.call('retypeTrace', { traceId: 1, catalogue: 'release:qemu-8.2.0' }))).toBe('read-only');
    } finally {
      await ro.close();
    }
  });

  it('read-only: what a locked-down session refuses, by the guard and by DuckDB', async () => {
    const dir = scratch('qtw-failure-codes-locked-');
    const locked = await EngineService.open(path.join(dir.dir, 'l.duckdb'), { host: 'server', lockDown: true });
    try {
      for (const sql of ["SET memory_limit = '10GB'", 'LOAD parquet', "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM query('SELECT 1')", 'PRAGMA enable_profiling']) {
        const f = await fails(locked.call('runQuery', { sql }));
        expect(f.code, sql).toBe('read-only');
        expect(f.message, sql).toMatch(/^Permission Error/);
      }
    } finally {
      await locked.close();
      dir.cleanup();
    }
  });

  it('not-found: an unknown method, result handle, trace, catalogue or event table', async () => {
    expect(await code(svc.call('noSuchMethod' as 'schema', {}))).toBe('not-found');
    const r = await svc.call('runQuery', { sql: 'SELECT 1 AS a' });
    await svc.call('releaseResult', { handle: r.handle });
    expect(await fails(svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1, sort: null }))).toMatchObject({
      code: 'not-found',
      message: `unknown result handle ${r.handle}`,
    });
    expect(await code(svc.call('suggestChart', { handle: r.handle }))).toBe('not-found');
    expect(await code(svc.call('retypeTrace', { traceId: 4242, catalogue: 'release:qemu-8.2.0' }))).toBe('not-found');
    expect(await code(svc.call('retypeTrace', { traceId: 1, catalogue: 'stored:nope@123' }))).toBe('not-found');
    expect(await fails(svc.call('setClockOffset', { traceId: 4242, offsetNs: '5' }))).toMatchObject({ code: 'not-found', message: 'no trace 4242 in this workspace' });
    expect(await code(svc.call('eventRow', { name: 'no_such_event', traceId: 1, seq: 0 }))).toBe('not-found');
  });

  it('invalid-input: malformed requests at the boundary, and requests the service cannot honour as given', async () => {
    const bad = await handleRaw(svc, { kind: 'request', id: 5, method: 'fetchRows', params: { handle: -1, offset: 0, count: 1, sort: null } });
    expect(bad).toMatchObject({ id: 5, ok: false, error: { code: 'invalid-input', position: null } });
    const unknown = await handleRaw(svc, { kind: 'request', id: 6, method: 'dropEverything', params: {} });
    expect(unknown).toMatchObject({ id: 6, ok: false, error: { code: 'not-found' } });
    expect(await code(svc.call('runQuery', { sql: '  ;  ' }))).toBe('invalid-input');
    expect(await code(svc.call('openInputs', { paths: [], options: {} }))).toBe('invalid-input');
    const r = await svc.call('runQuery', { sql: 'SELECT range AS a FROM range(3)' });
    expect(await code(svc.call('fetchRows', { handle: r.handle, offset: 0, count: 1, sort: { column: 'zz', desc: false } }))).toBe('invalid-input');
    expect(await code(svc.call('chartData', { handle: r.handle, spec: { kind: 'line', x: 'a', y: ['zz'], series: null, maxPoints: 10 } }))).toBe('invalid-input');
    expect(await code(svc.call('setClockOffset', { traceId: 1, offsetNs: '99999999999999999999' }))).toBe('invalid-input');
  });

  it('internal: anything else, one line without its stack', async () => {
    const boom = new Error('disk on fire');
    const f = toQueryFailure(boom);
    expect(boom.stack).toMatch(/\n\s+at /);
    expect(f).toEqual({ code: 'internal', message: 'disk on fire', position: null });
    expect(toQueryFailure('a string')).toEqual({ code: 'internal', message: 'a string', position: null });
    const dir = scratch('qtw-failure-codes-closed-');
    const closed = await EngineService.open(path.join(dir.dir, 'c.duckdb'), { host: 'server' });
    await closed.close();
    try {
      expect(await fails(closed.call('listTraces', {}))).toEqual({ code: 'internal', message: 'the workspace is closed', position: null });
    } finally {
      dir.cleanup();
    }
  });
});
