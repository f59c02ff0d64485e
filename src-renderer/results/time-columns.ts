// Which result columns hold nanosecond times or durations, and how they are shown: times relative
// to the run's migration start (ms), as a date-time, or raw; durations in ms. Pure (no DOM), so
// the rules are unit-tested. Values stay exact: all arithmetic is BigInt on the wire's decimal
// strings. The base a relative value is measured from is always named in the cell's tooltip.
import type { ClockAlignmentEntry, QueryColumn, RunInfo, TraceInfo, WireCell } from '../../src-main/contract.ts';
import { formatNsAsMs, formatRelativeMs, formatTimestampNs, parseNs } from '../util/time-format.ts';
import type { FormattedCell } from './cell-format.ts';

export type TimeMode = 'relative' | 'absolute' | 'raw';
export const TIME_MODES: readonly TimeMode[] = ['relative', 'absolute', 'raw'];
export type ColumnRole = 'time' | 'duration' | null;

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/i;
const FLOAT = /^(FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;
/** ts_ns, first_ts_ns, ts_aligned_ns, start_ns, last_ns ... (the engine's own naming of time columns). */
const TIME_NAME = /(^|_)ts_ns$|(^|_)ts_[a-z]+_ns$|(^|_)(ts|time|start|end|first|last)_ns$/i;

/**
 * A time: an integer column named like a timestamp. A duration: any other numeric `*_ns` column
 * (dur_ns, duration_ns, gap_ns): shown in ms, which is a unit change only and never wrong.
 */
export function columnRole(c: QueryColumn): ColumnRole {
  if (!/_ns$/i.test(c.name)) return null;
  // A float named like a time (avg(ts_ns)) is no exact stamp and no duration: left as it is.
  if (TIME_NAME.test(c.name)) return INTEGER.test(c.type) ? 'time' : null;
  if (INTEGER.test(c.type) || FLOAT.test(c.type)) return 'duration';
  return null;
}

/** What relative times of one row are measured from, and how to say so. */
export interface TimeBase {
  readonly ns: bigint;
  readonly what: string;
}

export interface RowTimeRef {
  readonly traceId: number | null;
  readonly runId: number | null;
}

/**
 * Which clock a time column's values are on: `ts_aligned_ns` is already on the run's source
 * clock; `src_ts_ns` / `dst_ts_ns` (analysis views) are on that side's trace's own clock;
 * anything else on the clock of the row's trace.
 */
export interface TimeColumnSpec {
  readonly aligned: boolean;
  readonly side: 'src' | 'dst' | null;
}

export function timeColumnSpec(name: string): TimeColumnSpec {
  const side = /^(src|dst)_/i.exec(name)?.[1].toLowerCase() as 'src' | 'dst' | undefined;
  return { aligned: /aligned/i.test(name), side: side ?? null };
}

function runName(r: RunInfo): string {
  return `run ${r.runId}${r.label ? ` "${r.label}"` : ''}`;
}

/**
 * Bases per row, from the workspace's runs, traces and clock offsets. A run's start is a stamp
 * of its head trace (the source, else the destination); relative times are put on the run's
 * aligned timeline (ts_ns + clock offset, as the `events` view's ts_aligned_ns), so a
 * destination row and its source counterpart read alike. A trace whose clock kind differs from
 * its run's, or without a run start, counts from its own first record; a row naming neither
 * trace nor run uses the newest run. Every fallback is spelled out in `what`.
 */
export class TimeContext {
  private readonly cache = new Map<string, TimeBase | null>();
  private readonly runs: Map<number, RunInfo>;
  private readonly traces: Map<number, TraceInfo>;
  private readonly offsets: Map<number, bigint | null>;

  constructor(runs: readonly RunInfo[], traces: readonly TraceInfo[], alignment: readonly ClockAlignmentEntry[] = []) {
    this.runs = new Map(runs.map((r) => [r.runId, r]));
    this.traces = new Map(traces.map((t) => [t.traceId, t]));
    this.offsets = new Map(alignment.map((a) => [a.dstTraceId, parseNs(a.offsetNs)]));
  }

  get runCount(): number {
    return this.runs.size;
  }

  /** The newest run with a start: the latest-starting epoch-clock run, else the highest id. */
  newestRun(): RunInfo | null {
    const started = [...this.runs.values()].filter((r) => parseNs(r.startTsNs) !== null);
    const epoch = started.filter((r) => r.clock === 'epoch');
    if (epoch.length > 0) return epoch.reduce((a, b) => (BigInt(b.startTsNs!) > BigInt(a.startTsNs!) ? b : a));
    return started.reduce<RunInfo | null>((a, b) => (!a || b.runId > a.runId ? b : a), null);
  }

  baseFor(ref: RowTimeRef, col: TimeColumnSpec = { aligned: false, side: null }): TimeBase | null {
    const key = `${ref.traceId}/${ref.runId}/${col.aligned}/${col.side}`;
    if (!this.cache.has(key)) this.cache.set(key, this.resolve(ref, col));
    return this.cache.get(key) ?? null;
  }

  /** The clock the row's stamps are on, for the date-time form (null: the magnitude decides). */
  clockFor(ref: RowTimeRef): string | null {
    const t = ref.traceId === null ? undefined : this.traces.get(ref.traceId);
    if (t) return t.clock;
    const r = ref.runId === null ? this.newestRun() : this.runs.get(ref.runId);
    return r?.clock ?? null;
  }

  /** A trace's offset to its source's clock; sources and traces never estimated are 0, as in the views. */
  private offset(traceId: number): bigint {
    return this.offsets.get(traceId) ?? 0n;
  }

  private resolve(ref: RowTimeRef, col: TimeColumnSpec): TimeBase | null {
    const trace = ref.traceId === null ? undefined : this.traces.get(ref.traceId);
    const named = ref.runId !== null || trace !== undefined;
    const run = named ? this.runs.get(ref.runId ?? trace?.runId ?? -1) : (this.newestRun() ?? undefined);
    const start = parseNs(run?.startTsNs);
    const note = named ? '' : ' (the newest run: the row names no trace or run)';
    if (!run || start === null) {
      if (!trace) return null;
      const first = parseNs(trace.firstTsNs);
      return first === null ? null : { ns: first, what: `the first record of trace #${trace.traceId} (its run has no migration start)` };
    }
    const headId = run.srcTraceId ?? run.dstTraceId;
    const head = headId === null ? 0n : this.offset(headId);
    const runStart = `the migration start of ${runName(run)}${note}`;
    if (col.aligned) return { ns: start + head, what: `${runStart}, on its source's clock` };
    const sideId = col.side === 'src' ? run.srcTraceId : col.side === 'dst' ? run.dstTraceId : null;
    const on = sideId !== null ? this.traces.get(sideId) : trace;
    if (!on) return { ns: start, what: `${runStart}; the row names no trace: its stamps are taken as the source's` };
    if (on.traceId === headId) return { ns: start, what: runStart };
    if (run.clock && on.clock !== run.clock) {
      const first = parseNs(on.firstTsNs);
      return first === null ? null : { ns: first, what: `the first record of trace #${on.traceId} (its clock, ${on.clock}, is not its run's ${run.clock})` };
    }
    const off = this.offsets.get(on.traceId);
    const how = off === undefined || off === null ? 'no clock offset known, taken as 0' : `its clock offset ${off} ns applied`;
    return { ns: start + head - this.offset(on.traceId), what: `${runStart}, on trace #${on.traceId}'s clock (${how})` };
  }
}

/** Indexes of the result's trace_id / run_id columns, which pick each row's base. */
export function refColumns(columns: readonly QueryColumn[]): { trace: number; run: number } {
  return {
    trace: columns.findIndex((c) => c.name.toLowerCase() === 'trace_id'),
    run: columns.findIndex((c) => c.name.toLowerCase() === 'run_id'),
  };
}

function idOf(v: WireCell | undefined): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return null;
}

export function rowRef(row: readonly WireCell[], cols: { trace: number; run: number }): RowTimeRef {
  return { traceId: cols.trace >= 0 ? idOf(row[cols.trace]) : null, runId: cols.run >= 0 ? idOf(row[cols.run]) : null };
}

/** The exact ns text of a cell, or null when it is not an integer (float, nested, junk). */
function exactNs(value: WireCell): { text: string; ns: bigint } | null {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return null;
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  const ns = parseNs(String(value));
  return ns === null ? null : { text: String(value), ns };
}

/** A time cell in `mode`; the tooltip always has the raw ns and the other forms. */
export function formatTimeCell(value: WireCell, mode: TimeMode, base: TimeBase | null, clock: string | null): FormattedCell {
  if (value === null) return { text: 'NULL', cls: 'null', title: null };
  const v = exactNs(value);
  if (!v) return { text: typeof value === 'object' ? JSON.stringify(value) : String(value), cls: 'num', title: null };
  const abs = formatTimestampNs(v.ns, clock);
  const rel = base ? `${formatRelativeMs(v.ns, base.ns)} ms after ${base.what}` : 'no migration start known for this row';
  const title = `${v.text} ns\n${abs}\n${rel}`;
  if (mode === 'raw') return { text: v.text, cls: 'num', title };
  // Without a base there is nothing to be relative to: the date-time, never a guessed origin.
  if (mode === 'absolute' || !base) return { text: abs, cls: 'num', title };
  return { text: `${formatRelativeMs(v.ns, base.ns)} ms`, cls: 'num', title };
}

/** A duration cell: ms (3 decimals) unless raw is asked for. */
export function formatDurationCell(value: WireCell, mode: TimeMode): FormattedCell {
  if (value === null) return { text: 'NULL', cls: 'null', title: null };
  const v = exactNs(value);
  if (v) return { text: mode === 'raw' ? v.text : `${formatNsAsMs(v.ns)} ms`, cls: 'num', title: `${v.text} ns` };
  if (typeof value === 'number' && Number.isFinite(value)) {
    return { text: mode === 'raw' ? String(value) : `${(value / 1e6).toFixed(3)} ms`, cls: 'num', title: `${value} ns` };
  }
  return { text: typeof value === 'object' ? JSON.stringify(value) : String(value), cls: 'num', title: null };
}

export const TIME_MODE_LABEL: Record<TimeMode, string> = {
  relative: 'Time: ms from start',
  absolute: 'Time: date-time',
  raw: 'Time: raw ns',
};

export function nextTimeMode(m: TimeMode): TimeMode {
  return TIME_MODES[(TIME_MODES.indexOf(m) + 1) % TIME_MODES.length];
}

export function isTimeMode(v: unknown): v is TimeMode {
  return typeof v === 'string' && (TIME_MODES as readonly string[]).includes(v);
}
