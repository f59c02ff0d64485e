// Times in a report table as milliseconds from the run's migration start, the absolute start said
// once above the table: 19-digit epoch nanoseconds made an 18-column summary run off the page and
// are unreadable anyway. Only the shown table changes; the data files keep the raw nanoseconds.
// Values of a destination trace are put on its source's clock first (traces.clock_offset_ns),
// since the run's start is a source time; where that cannot be done the note says so.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QueryColumn } from '../contract.ts';
import { isNanosecondColumn } from '../results/column-kinds.ts';
import type { CellValue } from '../workspace/query.ts';

export interface TimeContext {
  /** runs.start_ts_ns by run id (source clock). */
  readonly runStarts: ReadonlyMap<string, bigint>;
  /** traces.clock_offset_ns by trace id (0 when none was estimated). */
  readonly offsets: ReadonlyMap<string, bigint>;
}

export const NO_TIME_CONTEXT: TimeContext = { runStarts: new Map(), offsets: new Map() };

async function pairs(conn: DuckDBConnection, sql: string): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  try {
    for (const [k, v] of (await conn.runAndReadAll(sql)).getRowsJS()) if (k !== null && v !== null) out.set(String(k), BigInt(v as bigint | number));
  } catch {
    // A workspace without runs (or from before them): times are then relative to the table's earliest.
  }
  return out;
}

export async function readTimeContext(conn: DuckDBConnection): Promise<TimeContext> {
  return {
    runStarts: await pairs(conn, 'SELECT run_id, start_ts_ns FROM runs WHERE start_ts_ns IS NOT NULL'),
    offsets: await pairs(conn, 'SELECT trace_id, coalesce(clock_offset_ns, 0) FROM traces'),
  };
}

export interface RelativeTimes {
  /** Indexes of the columns shown relative. */
  readonly columns: ReadonlySet<number>;
  /** The column's name as shown: `start_ts_ns` → `start_ts (+ms)`. */
  name(i: number): string;
  /** The cell as shown: ms from the base, exact to the nanosecond. */
  text(row: readonly CellValue[], i: number): string;
  /** Said once above the table: the base in absolute terms and what it is. */
  readonly note: string;
}

function asBig(v: CellValue | undefined): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return null;
}

/** ns as ms: at least 3 decimals, up to 6 (every nanosecond kept); ASCII minus, as every other number of the table. */
export function nsAsMs(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  let frac = (a % 1_000_000n).toString().padStart(6, '0');
  while (frac.length > 3 && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${neg ? '-' : ''}${a / 1_000_000n}.${frac}`;
}

/** Epoch ns as UTC with microseconds; a clock that is not epoch-based (boot time) has no date. */
export function absoluteTime(ns: bigint): string {
  // Before 1990: a monotonic or boot clock, not a wall-clock date.
  if (ns < 631_152_000_000_000_000n) return `${ns} ns`;
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
  const us = (ns % 1_000_000_000n).toString().padStart(9, '0').slice(0, 6);
  return `${iso}.${us} UTC (${ns} ns)`;
}

/** Null when the table has no nanosecond time column with a value. */
export function relativeTimes(columns: readonly QueryColumn[], rows: readonly (readonly CellValue[])[], ctx: TimeContext, skip: readonly boolean[] = []): RelativeTimes | null {
  const times = columns.flatMap((c, i) => (isNanosecondColumn(c) && skip[i] !== true ? [i] : []));
  if (times.length === 0) return null;
  const traceCol = columns.findIndex((c) => c.name === 'trace_id');
  const runCol = columns.findIndex((c) => c.name === 'run_id');
  const anyOffset = [...ctx.offsets.values()].some((o) => o !== 0n);
  const shift = (row: readonly CellValue[]) => (traceCol >= 0 ? ctx.offsets.get(String(row[traceCol])) ?? 0n : 0n);
  let earliest: bigint | null = null;
  for (const r of rows) {
    for (const i of times) {
      const v = asBig(r[i]);
      if (v === null) continue;
      const t = v + shift(r);
      if (earliest === null || t < earliest) earliest = t;
    }
  }
  if (earliest === null) return null;
  const runs = runCol >= 0 ? [...new Set(rows.map((r) => r[runCol]).filter((v) => v !== null && v !== undefined).map(String))] : [];
  const runStart = runs.length === 1 ? ctx.runStarts.get(runs[0]!) : undefined;
  const base = runStart ?? earliest;
  const what = runStart !== undefined ? `run ${runs[0]}'s migration start` : 'the earliest time in this table';
  const clock = anyOffset
    ? traceCol >= 0
      ? ', every trace on its source\'s clock'
      : '; clock offsets not applied (the table has no trace_id)'
    : '';
  const shown = new Set(times);
  return {
    columns: shown,
    name: (i) => `${columns[i]!.name.replace(/_ns$/, '')} (+ms)`,
    text: (row, i) => {
      const v = asBig(row[i]);
      return v === null ? 'NULL' : nsAsMs(v + shift(row) - base);
    },
    note: `Times (+ms) are milliseconds from ${what}, ${absoluteTime(base)}${clock}.`,
  };
}
