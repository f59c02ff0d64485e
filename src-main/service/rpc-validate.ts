// Validation of renderer → engine messages at the process boundary. A message must be exactly a
// ClientMessage: known keys only, every value of the right type and within bounds. The result is
// a fresh copy built from validated values, so nothing of the raw object (prototypes, extra
// keys, getters) reaches the service.
import type { AreaGrouping, AreaLaneRef, AreaRequest, ClientMessage, EngineMethod, FailureCode, SideName } from '../contract.ts';
import { parseReportModel, ReportInvalid } from '../report/validate.ts';

/**
 * A WebSocket frame carries one message, so every bound below must leave the whole message (in
 * UTF-8 bytes, after JSON escaping) inside it: else a request the UI may build legitimately would
 * lose its socket instead of getting an answer. SQL escapes at most 6x (\u0001), so 6 MiB; a
 * report is measured as the JSON it is sent as.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
export const MAX_SQL_BYTES = 1024 * 1024;
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;
export const MAX_PATH_CHARS = 4096;
export const MAX_NAME_CHARS = 1024;
export const MAX_PATHS = 1000;
export const MAX_Y_COLUMNS = 64;

/** Why a message is refused, and its kind: every refusal here is invalid input but a method that does not exist. */
class Invalid extends Error {
  constructor(
    message: string,
    readonly code: RejectionCode = 'invalid-input',
  ) {
    super(message);
  }
}

export type RejectionCode = Extract<FailureCode, 'invalid-input' | 'not-found'>;

/** A message that is not a ClientMessage: why, and the failure code to answer with. */
export interface Rejection {
  readonly error: string;
  readonly code: RejectionCode;
}

type Check<T> = (v: unknown, at: string) => T;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function fail(at: string, what: string): never {
  throw new Invalid(`${at}: ${what}`);
}

function plainObject(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, 'expected an object');
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) fail(at, 'expected a plain object');
  return v as Record<string, unknown>;
}

/** An object with exactly these keys (optional ones may be absent). */
function object<T>(fields: { [K in keyof T]-?: Check<T[K]> }, optional: readonly (keyof T)[] = []): Check<T> {
  return (v, at) => {
    const o = plainObject(v, at);
    for (const k of Reflect.ownKeys(o)) {
      if (typeof k !== 'string') fail(at, 'symbol keys are not allowed');
      if (FORBIDDEN_KEYS.has(k)) fail(at, `key ${JSON.stringify(k)} is not allowed`);
      if (!Object.prototype.hasOwnProperty.call(fields, k)) fail(at, `unknown key ${JSON.stringify(k)}`);
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d && (d.get || d.set)) fail(`${at}.${k}`, 'accessors are not allowed');
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(fields) as (keyof T & string)[]) {
      const has = Object.prototype.hasOwnProperty.call(o, k);
      if (!has) {
        if (optional.includes(k)) continue;
        fail(at, `missing ${k}`);
      }
      out[k] = fields[k](o[k], `${at}.${k}`);
    }
    return out as T;
  };
}

function string(min: number, max: number): Check<string> {
  return (v, at) => {
    if (typeof v !== 'string') fail(at, 'expected a string');
    if (v.length < min || v.length > max) fail(at, `length must be ${min}..${max}`);
    if (v.includes('\0')) fail(at, 'NUL characters are not allowed');
    return v;
  };
}

/** A string bounded in UTF-8 bytes, as it travels. */
function utf8(max: number): Check<string> {
  return (v, at) => {
    const s = string(0, max)(v, at); // UTF-8 is never shorter than UTF-16 code units
    if (Buffer.byteLength(s, 'utf8') > max) fail(at, `length must be 0..${max} bytes in UTF-8`);
    return s;
  };
}

function int(min: number, max: number): Check<number> {
  return (v, at) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(at, 'expected an integer');
    if (v < min || v > max) fail(at, `must be ${min}..${max}`);
    return v;
  };
}

function boolean(v: unknown, at: string): boolean {
  if (typeof v !== 'boolean') fail(at, 'expected true or false');
  return v;
}

function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, at) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(at, `expected one of ${values.join(', ')}`);
    return v as T;
  };
}

function nullable<T>(c: Check<T>): Check<T | null> {
  return (v, at) => (v === null ? null : c(v, at));
}

function array<T>(item: Check<T>, max: number): Check<T[]> {
  return (v, at) => {
    if (!Array.isArray(v)) fail(at, 'expected an array');
    if (Object.getPrototypeOf(v) !== Array.prototype) fail(at, 'expected a plain array');
    if (v.length > max) fail(at, `at most ${max} items`);
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(v, i)) fail(`${at}[${i}]`, 'holes are not allowed');
      out.push(item(v[i], `${at}[${i}]`));
    }
    return out;
  };
}

const nsString: Check<string> = (v, at) => {
  const s = string(1, 21)(v, at);
  if (!/^-?\d{1,20}$/.test(s)) fail(at, 'expected a decimal integer string');
  return s;
};

/** A decimal string within int64 (the engine's time stamps are BIGINT). */
const int64String: Check<string> = (v, at) => {
  const s = nsString(v, at);
  const n = BigInt(s);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) fail(at, 'must be within the 64-bit signed range');
  return s;
};

/** [lo, hi]: two finite numbers, lo ≤ hi. */
const range: Check<[number, number]> = (v, at) => {
  if (!Array.isArray(v) || v.length !== 2) fail(at, 'a [lo, hi] pair');
  const [lo, hi] = v as unknown[];
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) fail(at, 'a [lo, hi] pair of finite numbers with lo ≤ hi');
  return [lo, hi];
};
const empty = object<Record<string, never>>({});
const handle = int(1, Number.MAX_SAFE_INTEGER);
const path = string(1, MAX_PATH_CHARS);
const name = string(1, MAX_NAME_CHARS);
const paths = array(path, MAX_PATHS);

const reportModel: Check<unknown> = (v, at) => {
  try {
    const model = parseReportModel(v, at);
    if (Buffer.byteLength(JSON.stringify(model), 'utf8') > MAX_REPORT_BYTES) fail(at, `at most ${MAX_REPORT_BYTES} bytes as JSON`);
    return model;
  } catch (e) {
    if (e instanceof ReportInvalid) throw new Invalid(e.message);
    throw e;
  }
};

/** A run and one of its attempts (null: the run's last). */
const runRef = object<{ runId: number; attempt: number | null }>({
  runId: int(1, 2 ** 31 - 1),
  attempt: nullable(int(0, 2 ** 31 - 1)),
});

const PARAMS: { [M in EngineMethod]: Check<unknown> } = {
  workspaceInfo: empty,
  listTraces: empty,
  schema: empty,
  catalogueTree: empty,
  runQuery: object<{ sql: string }>({ sql: utf8(MAX_SQL_BYTES) }),
  cancelQuery: empty,
  fetchRows: object<{ handle: number; offset: number; count: number; sort: { column: string; desc: boolean } | null }>({
    handle,
    offset: int(0, Number.MAX_SAFE_INTEGER),
    count: int(0, 1_000_000),
    sort: nullable(object<{ column: string; desc: boolean }>({ column: name, desc: boolean })),
  }),
  releaseResult: object<{ handle: number }>({ handle }),
  suggestChart: object<{ handle: number }>({ handle }),
  chartData: object<{ handle: number; spec: unknown }>({
    handle,
    spec: object<{ kind: string; x: string; y: string[]; series: string | null; maxPoints: number; bins: number; xRange: [number, number] }>(
      {
        kind: oneOf(['line', 'scatter', 'bar', 'histogram']),
        x: name,
        y: array(name, MAX_Y_COLUMNS),
        series: nullable(name),
        maxPoints: int(2, 100_000),
        bins: int(1, 1000),
        xRange: range,
      },
      ['bins', 'xRange'],
    ),
  }),
  timeline: object<{ runId: number | null; traceIds: number[] | null; fromNs: string | null; toNs: string | null; namePattern: string | null; maxEvents: number }>({
    runId: nullable(int(1, 2 ** 31 - 1)),
    traceIds: nullable(array(int(1, 2 ** 31 - 1), 10_000)),
    fromNs: nullable(nsString),
    toNs: nullable(nsString),
    namePattern: nullable(string(1, 256)),
    maxEvents: int(0, 200_000),
  }),
  eventRow: object<{ name: string; traceId: number; seq: number }>({
    name: string(1, 256),
    traceId: int(0, 2 ** 31 - 1),
    seq: int(0, Number.MAX_SAFE_INTEGER),
  }),
  openInputs: object<{ paths: string[]; options: unknown }>({
    paths,
    options: object<{ catalogues: string[]; src: string[]; dst: string[] }>({ catalogues: paths, src: paths, dst: paths }, [
      'catalogues',
      'src',
      'dst',
    ]),
  }),
  cancelJob: object<{ jobId: number }>({ jobId: int(1, Number.MAX_SAFE_INTEGER) }),
  listCatalogues: empty,
  // A ref (`stored:` + a catalogue id, itself a name and a path) or a path: bounded as a path.
  retypeTrace: object<{ traceId: number; catalogue: string }>({ traceId: int(1, 2 ** 31 - 1), catalogue: path }),
  exportResult: object<{ handle: number; format: string; path: string }>({
    handle,
    format: oneOf(['csv', 'parquet', 'json']),
    path,
  }),
  clockAlignment: empty,
  listAnalyses: empty,
  migrationPage: object<{ runId: number | null; attempt: number | null }>({
    runId: nullable(int(1, 2 ** 31 - 1)),
    attempt: nullable(int(0, 2 ** 31 - 1)),
  }),
  compareRuns: object<{ a: unknown; b: unknown }>({ a: nullable(runRef), b: nullable(runRef) }),
  getReport: empty,
  saveReport: object<{ report: unknown }>({ report: reportModel }),
  exportReport: object<{ format: string; redact: boolean; path: string | null }>({
    format: oneOf(['markdown', 'html', 'text', 'zip']),
    redact: boolean,
    path: nullable(path),
  }),
  setClockOffset: object<{ traceId: number; offsetNs: string | null }>({
    traceId: int(0, 2 ** 31 - 1),
    offsetNs: nullable(nsString),
  }),
  removeTraces: object<{ traceIds: number[] }>({ traceIds: array(int(1, 2 ** 31 - 1), 10_000) }),
  listRuns: empty,
  // Length and characters are the engine's rule (analyses/runs/store.ts); here only a bound.
  setRunLabel: object<{ runId: number; label: string }>({ runId: int(1, 2 ** 31 - 1), label: string(1, 1000) }),
  setPrimaryTrace: object<{ traceId: number }>({ traceId: int(1, 2 ** 31 - 1) }),
  fleet: empty,
  // The Tracks view's area selection (analyses/tracks/area.ts).
  areaSummary: object<AreaRequest>({
    runId: int(1, 2 ** 31 - 1),
    // Within int64 here; the engine refuses fromNs > toNs and narrows the window as for runTracks.
    fromNs: int64String,
    toNs: int64String,
    groupBy: oneOf<AreaGrouping>(['event', 'thread', 'track']),
    lanes: nullable(array(object<AreaLaneRef>({
      trackId: string(1, 1024),
      side: nullable(oneOf<SideName>(['src', 'dst'])),
      tid: nullable(int(-(2 ** 31), 2 ** 31 - 1)),
      channel: nullable(int(-(2 ** 31), 2 ** 31 - 1)),
    }), 10_000)),
  }),
  // The engine caps maxItemsPerTrack again (analyses/tracks/run-tracks.ts); this bounds the wire.
  runTracks: object<{ runId: number; fromNs: string | null; toNs: string | null; maxItemsPerTrack: number; bucketsPerTrack?: number }>({
    runId: int(1, 2 ** 31 - 1),
    // Within int64 here; the engine also refuses fromNs > toNs and narrows the window to what its arithmetic holds.
    fromNs: nullable(int64String),
    toNs: nullable(int64String),
    maxItemsPerTrack: int(4, 200_000),
    bucketsPerTrack: int(1, 20_000),
  }, ['bucketsPerTrack']),
};

const METHODS = Object.keys(PARAMS) as EngineMethod[];

function isMethod(v: unknown): v is EngineMethod {
  return typeof v === 'string' && (METHODS as string[]).includes(v);
}

/** A decoded JSON value (or structured clone) as a ClientMessage, or why it is not one. */
export function parseClientMessage(raw: unknown): ClientMessage | Rejection {
  try {
    const msg = object<{ kind: string; id: number; method: string; params: unknown }>({
      kind: oneOf(['request']),
      // Any safe integer: hosts use negative ids for their own requests.
      id: int(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
      method: (v, at) => {
        if (!isMethod(v)) throw new Invalid(`${at}: unknown method`, 'not-found');
        return v;
      },
      params: (v) => v,
    })(raw, 'message');
    const method = msg.method as EngineMethod;
    const params = PARAMS[method](msg.params, 'params');
    return { kind: 'request', id: msg.id, method, params } as ClientMessage;
  } catch (e) {
    if (e instanceof Invalid) return { error: e.message, code: e.code };
    return { error: 'malformed message', code: 'invalid-input' };
  }
}
