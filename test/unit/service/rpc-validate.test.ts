// The boundary validator: well-formed requests of every method pass as fresh copies; malformed
// and hostile messages are rejected with a reason. Dispatch turns failures into QueryFailures.
import { describe, expect, it } from 'vitest';
import type { ClientMessage, EngineMethod, ParamsOf } from '../../../src-main/contract.ts';
import { MAX_SQL_BYTES, parseClientMessage } from '../../../src-main/service/rpc-validate.ts';
import { dispatch, handleRaw, type Callable } from '../../../src-main/service/rpc-dispatch.ts';

const VALID: { [M in EngineMethod]: ParamsOf<M> } = {
  workspaceInfo: {},
  listTraces: {},
  schema: {},
  catalogueTree: {},
  runQuery: { sql: 'SELECT 1' },
  cancelQuery: {},
  fetchRows: { handle: 1, offset: 0, count: 100, sort: { column: 'ts_ns', desc: true } },
  releaseResult: { handle: 3 },
  suggestChart: { handle: 3 },
  chartData: { handle: 3, spec: { kind: 'line', x: 'ts_ns', y: ['a', 'b'], series: null, maxPoints: 2000 } },
  timeline: { runId: null, traceIds: null, fromNs: '1795635807247673000', toNs: null, namePattern: 'multifd_*', maxEvents: 5000 },
  runTracks: { runId: 1, fromNs: '1795635807247673000', toNs: null, maxItemsPerTrack: 2000 },
  eventRow: { name: 'migrate_set_state', traceId: 1, seq: 42 },
  openInputs: { paths: ['/data/a.log'], options: { catalogues: ['/data/trace-events-all'], src: ['/data/s.log'] } },
  cancelJob: { jobId: 1 },
  exportResult: { handle: 2, format: 'parquet', path: '/data/out.parquet' },
  clockAlignment: {},
  setClockOffset: { traceId: 2, offsetNs: '-3700000000' },
  listAnalyses: {},
  migrationPage: { runId: null, attempt: null },
  compareRuns: { a: { runId: 1, attempt: 2 }, b: { runId: 3, attempt: null } },
  getReport: {},
  saveReport: { report: { title: 't', items: [] } },
  exportReport: { format: 'markdown', redact: false, path: null },
  removeTraces: { traceIds: [2, 5] },
  listCatalogues: {},
  retypeTrace: { traceId: 3, catalogue: 'release:qemu-8.2.0' },
  fleet: {},
  areaSummary: { runId: 1, fromNs: '-5', toNs: '1795635807247673000', groupBy: 'track', lanes: [{ trackId: 'states:src', side: 'src', tid: null, channel: null }] },
  listRuns: {},
  setRunLabel: { runId: 2, label: 'multifd nightly' },
  setPrimaryTrace: { traceId: 8 },
};

function req(method: string, params: unknown, id: unknown = 7): unknown {
  return { kind: 'request', id, method, params };
}

function rejects(raw: unknown): string {
  const r = parseClientMessage(raw);
  expect('error' in r, JSON.stringify(raw)?.slice(0, 200)).toBe(true);
  return 'error' in r ? r.error : '';
}

describe('parseClientMessage', () => {
  it('accepts a valid request of every method, as an equal fresh object', () => {
    for (const [method, params] of Object.entries(VALID)) {
      const raw = req(method, params);
      const r = parseClientMessage(JSON.parse(JSON.stringify(raw)));
      expect(r).toEqual(raw);
      expect(r).not.toBe(raw);
    }
    expect(parseClientMessage(req('fetchRows', { ...VALID.fetchRows, sort: null }))).not.toHaveProperty('error');
    expect(parseClientMessage(req('chartData', { handle: 1, spec: { ...VALID.chartData.spec, kind: 'histogram', y: [], bins: 30 } }))).not.toHaveProperty('error');
    expect(parseClientMessage(req('chartData', { handle: 1, spec: { ...VALID.chartData.spec, xRange: [-1.5, 1.7e12] } }))).not.toHaveProperty('error');
  });

  it('rejects non-objects and wrong envelopes', () => {
    for (const raw of [null, undefined, 1, 'x', [], [req('schema', {})], true]) rejects(raw);
    rejects({ ...(req('schema', {}) as object), kind: 'response' });
    rejects(req('schema', {}, '7'));
    rejects(req('schema', {}, 1.5));
    expect(parseClientMessage(req('schema', {}, -1))).toEqual(req('schema', {}, -1));
    rejects(req('schema', {}, Number.MAX_SAFE_INTEGER + 2));
    expect(rejects(req('dropDatabase', {}))).toMatch(/unknown method/);
    expect(rejects(req('toString', {}))).toMatch(/unknown method/);
    expect(rejects(req('__proto__', {}))).toMatch(/unknown method/);
    expect(rejects({ kind: 'request', id: 1, method: 'schema' })).toMatch(/missing params/);
    expect(rejects({ ...(req('schema', {}) as object), extra: 1 })).toMatch(/unknown key/);
  });

  it('rejects wrong param types, ranges and extra keys', () => {
    expect(rejects(req('schema', { x: 1 }))).toMatch(/unknown key/);
    expect(rejects(req('runQuery', { sql: 1 }))).toMatch(/string/);
    expect(rejects(req('runQuery', { sql: 'x'.repeat(MAX_SQL_BYTES + 1) }))).toMatch(/length/);
    rejects(req('fetchRows', { ...VALID.fetchRows, offset: -1 }));
    rejects(req('fetchRows', { ...VALID.fetchRows, count: Infinity }));
    rejects(req('fetchRows', { ...VALID.fetchRows, count: NaN }));
    rejects(req('fetchRows', { ...VALID.fetchRows, handle: '1' }));
    rejects(req('fetchRows', { ...VALID.fetchRows, sort: { column: 'a', desc: 'yes' } }));
    rejects(req('fetchRows', { ...VALID.fetchRows, sort: { column: 'a' } }));
    rejects(req('fetchRows', { handle: 1, offset: 0, count: 1 }));
    rejects(req('chartData', { handle: 1, spec: { ...VALID.chartData.spec, kind: 'pie' } }));
    rejects(req('chartData', { handle: 1, spec: { ...VALID.chartData.spec, maxPoints: 10_000_000 } }));
    rejects(req('chartData', { handle: 1, spec: { ...VALID.chartData.spec, y: Array(65).fill('a') } }));
    rejects(req('chartData', { handle: 1, spec: { ...VALID.chartData.spec, y: [1] } }));
    for (const xRange of [[2, 1], [0, Infinity], [0, null], [1], 'x', [0, 1, 2]]) rejects(req('chartData', { handle: 1, spec: { ...VALID.chartData.spec, xRange } }));
    rejects(req('timeline', { ...VALID.timeline, fromNs: '12e3' }));
    rejects(req('timeline', { ...VALID.timeline, fromNs: 1234 }));
    rejects(req('timeline', { ...VALID.timeline, maxEvents: 10_000_000 }));
    rejects(req('timeline', { ...VALID.timeline, traceIds: [1, 0] }));
    rejects(req('timeline', { ...VALID.timeline, runId: '1' }));
    rejects(req('timeline', { runId: null, fromNs: null, toNs: null, namePattern: null, maxEvents: 10 }));
    rejects(req('runTracks', { ...VALID.runTracks, runId: null }));
    rejects(req('runTracks', { ...VALID.runTracks, toNs: '1.5e9' }));
    rejects(req('runTracks', { ...VALID.runTracks, maxItemsPerTrack: 10_000_000 }));
    rejects(req('runTracks', { runId: 1, fromNs: null, toNs: null }));
    rejects(req('areaSummary', { ...VALID.areaSummary, groupBy: 'name' }));
    rejects(req('areaSummary', { ...VALID.areaSummary, fromNs: null }));
    rejects(req('areaSummary', { ...VALID.areaSummary, toNs: '9223372036854775808' }));
    rejects(req('areaSummary', { ...VALID.areaSummary, lanes: [{ trackId: 'x', side: 'both', tid: null, channel: null }] }));
    rejects(req('areaSummary', { ...VALID.areaSummary, lanes: [{ trackId: 'x', side: 'src', tid: 1.5, channel: null }] }));
    rejects(req('areaSummary', { ...VALID.areaSummary, lanes: [{ trackId: '', side: 'src', tid: null }] }));
    rejects(req('exportResult', { ...VALID.exportResult, format: 'xlsx' }));
    rejects(req('exportResult', { ...VALID.exportResult, path: '' }));
    rejects(req('exportResult', { ...VALID.exportResult, path: '/data/'.padEnd(5000, 'a') }));
    rejects(req('exportResult', { ...VALID.exportResult, path: '/data/a\0.csv' }));
    rejects(req('openInputs', { paths: '/data/a.log', options: {} }));
    rejects(req('openInputs', { paths: Array(1001).fill('/a'), options: {} }));
    rejects(req('openInputs', { paths: ['/a'], options: { sides: ['/a'] } }));
    rejects(req('openInputs', { paths: ['/a'] }));
    for (const traceIds of [[0], [-1], [1.5], ['1'], 1, Array(10_001).fill(1)]) rejects(req('removeTraces', { traceIds }));
    for (const label of ['', 'x'.repeat(1001), 7, null]) rejects(req('setRunLabel', { runId: 1, label }));
    for (const runId of [0, -1, 1.5, '1', null]) rejects(req('setRunLabel', { runId, label: 'a' }));
    for (const traceId of [0, '8', null, 2 ** 31]) rejects(req('setPrimaryTrace', { traceId }));
    expect(rejects(req('listRuns', { all: true }))).toMatch(/unknown key/);
    for (const traceId of [0, -1, 1.5, '1', null, 2 ** 31]) rejects(req('retypeTrace', { traceId, catalogue: 'release:qemu-8.2.0' }));
    for (const catalogue of ['', 'a\0b', 'x'.repeat(4097), 7, null, ['release:qemu-8.2.0']]) rejects(req('retypeTrace', { traceId: 1, catalogue }));
    expect(rejects(req('retypeTrace', { traceId: 1 }))).toMatch(/missing catalogue/);
    expect(rejects(req('retypeTrace', { traceId: 1, catalogue: '/x', paths: [] }))).toMatch(/unknown key "paths"/);
    expect(rejects(req('listCatalogues', { all: true }))).toMatch(/unknown key/);
    // eslint-disable-next-line no-sparse-arrays
    rejects(req('openInputs', { paths: ['/a', , '/b'], options: {} }));
  });

  it('rejects prototype-pollution keys and exotic objects', () => {
    const hostile = [
      '{"kind":"request","id":1,"method":"schema","params":{"__proto__":{"polluted":true}}}',
      '{"kind":"request","id":1,"method":"runQuery","params":{"sql":"x","constructor":{"prototype":{"a":1}}}}',
      '{"kind":"request","id":1,"method":"schema","params":{},"__proto__":{"isAdmin":true}}',
      '{"kind":"request","id":1,"method":"openInputs","params":{"paths":[],"options":{"__proto__":{"src":["/etc/passwd"]}}}}',
    ];
    for (const text of hostile) expect(rejects(JSON.parse(text))).toMatch(/not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    class Fake {
      kind = 'request';
      id = 1;
      method = 'schema';
      params = {};
    }
    expect(rejects(new Fake())).toMatch(/plain object/);
    const getter = { kind: 'request', id: 1, method: 'runQuery', params: {} };
    Object.defineProperty(getter.params, 'sql', { get: () => 'SELECT 1', enumerable: true });
    expect(rejects(getter)).toMatch(/accessors/);
    expect(rejects(req('schema', Object.create({ inherited: 1 })))).toMatch(/plain object/);
  });
});

describe('dispatch', () => {
  const fake: Callable = {
    async call(method) {
      // What EngineService.call rejects with: an already classified QueryFailure.
      if (method === 'runQuery') throw { code: 'sql', message: 'Parser Error: syntax error at or near "x"', position: 7 };
      if (method === 'listTraces') throw new Error('boom\n    at secret (/users/me/engine.ts:1:1)');
      return { ok: method };
    },
  };

  it('answers with the result or an ok:false QueryFailure without stack traces', async () => {
    const ok = await dispatch(fake, parseClientMessage(req('schema', {}, 3)) as ClientMessage);
    expect(ok).toEqual({ kind: 'response', id: 3, ok: true, result: { ok: 'schema' } });
    const q = await dispatch(fake, parseClientMessage(req('runQuery', { sql: 'SELECT x' }, 4)) as ClientMessage);
    expect(q).toEqual({ kind: 'response', id: 4, ok: false, error: { code: 'sql', message: 'Parser Error: syntax error at or near "x"', position: 7 } });
    const crash = await dispatch(fake, parseClientMessage(req('listTraces', {}, 5)) as ClientMessage);
    expect(crash).toMatchObject({ ok: false, error: { code: 'internal', message: 'boom', position: null } });
    expect(crash.kind === 'response' && !crash.ok && crash.error.message).not.toMatch(/secret|\n/);
  });

  it('answers an unknown method with not-found and any other malformed request with invalid-input', async () => {
    expect(parseClientMessage(req('nope', {}, 6))).toEqual({ error: 'message.method: unknown method', code: 'not-found' });
    expect(await handleRaw(fake, req('nope', {}, 6))).toEqual({
      kind: 'response',
      id: 6,
      ok: false,
      error: { code: 'not-found', message: 'invalid request: message.method: unknown method', position: null },
    });
    for (const raw of [req('runQuery', { sql: 42 }, 8), req('fetchRows', { handle: 0, offset: 0, count: 1, sort: null }, 8), { ...(req('schema', {}, 8) as object), extra: 1 }]) {
      expect(await handleRaw(fake, raw), JSON.stringify(raw)).toMatchObject({ id: 8, ok: false, error: { code: 'invalid-input', position: null } });
    }
    expect(await handleRaw(fake, 'not an object')).toMatchObject({ id: -1, ok: false, error: { code: 'invalid-input' } });
  });
});
