// The SQL behind the Migration and Compare pages (and the report's analysis items), built in the
// engine so that every host shows the same numbers from the same queries. The analysis views'
// columns are fixed by their templates (template.ts: each view has the same columns in every
// workspace) and the traces table's by the workspace schema version, so nothing here probes
// columns: what may be absent is a whole view (analyses not installed, e.g. a read-only
// workspace that was never refreshed) or an event table (the traced events differ per trace).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AttemptWindow, MigrationChartId, RunAttempt, RunChoice, RunInfo, RunRef } from '../contract.ts';
import { toCell, type CellValue } from '../workspace/query.ts';
import { ident } from '../workspace/schema.ts';
import { ANALYSES } from './catalog.ts';
import { withScopedAnalyses } from './install.ts';

/** A query for this workspace, or why there is none (shown as the chart's empty state). */
export type PageQuery = { readonly sql: string } | { readonly missing: string };

/** What of the analysis library and the traced events this workspace has. */
export interface PageCatalog {
  readonly views: ReadonlySet<string>;
  /** migrate_set_state was traced with its new_state argument (the state timeline and time axis). */
  readonly stateEvents: boolean;
  /** The multifd_throughput(bucket_ms) macro of multifd_channels.sql exists. */
  readonly multifdMacro: boolean;
}

/** Source rows before destination rows, whether side is a VARCHAR or an ENUM('src','dst'). */
export const SOURCE_FIRST = `side = 'dst'`;

/** Bucket width for multifd throughput over time: fine enough for a few-second migration. */
export const MULTIFD_BUCKET_MS = 100;

/** Rows a page receives per query; the "Open query" button shows them all. */
export const PAGE_MAX_ROWS = 20_000;

const O = 'migration_overview';

/**
 * Numeric measures of migration_overview, in column order: what Compare lines up. A unit test
 * checks this against the view as installed, so a template change cannot leave it behind.
 */
export const OVERVIEW_METRICS = [
  'total_ms', 'setup_ms', 'downtime_ms', 'dirty_syncs', 'normal_pages', 'zero_pages', 'multifd_channels', 'postcopy_requests',
  'fault_latency_p50_ms', 'fault_latency_p99_ms', 'fault_latency_max_ms', 'postcopy_blocktime_ms',
] as const;

/** Measures of multifd_channels the per-channel totals chart offers (first two drawn). */
export const MULTIFD_MEASURES = ['pages', 'mbps', 'bytes', 'packets', 'active_ms'] as const;

export async function readPageCatalog(conn: DuckDBConnection): Promise<PageCatalog> {
  const names = ANALYSES.map((a) => `'${a.name}'`).join(', ');
  const views = await conn.runAndReadAll(
    `SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND view_name IN (${names})`,
  );
  const state = await conn.runAndReadAll(
    `SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'migrate_set_state' AND column_name = 'new_state'`,
  );
  const macro = await conn.runAndReadAll(`SELECT count(*) FROM duckdb_functions() WHERE function_name = 'multifd_throughput'`);
  return {
    views: new Set(views.getRowsJS().map((r) => String(r[0]))),
    stateEvents: Number(state.getRowsJS()[0]?.[0] ?? 0) > 0,
    multifdMacro: Number(macro.getRowsJS()[0]?.[0] ?? 0) > 0,
  };
}

const missingView = (v: string): PageQuery => ({ missing: `The ${v} analysis is not in this workspace.` });

/**
 * The query of an analysis item (a report's `--analysis NAME`, the library's "Rows"): every row
 * of the view in its own order, every run. Only names of the library (catalog.ts) are accepted.
 */
export function analysisSql(name: string): string {
  if (!ANALYSES.some((a) => a.name === name)) throw new Error(`unknown analysis ${name}`);
  return `SELECT * FROM ${ident(name)}`;
}

// ---------------------------------------------------------------------------------------------
// Scope: one run (its primary source and destination traces) and one attempt. Every page query
// is filtered to it with literal trace ids and time bounds, so the SQL a user opens from a chart
// shows exactly what it draws and runs on its own.

/** The part of one trace a page shows (AttemptWindow with BigInt bounds). */
export interface TraceWindow {
  readonly side: 'src' | 'dst';
  readonly traceId: number;
  readonly attempt: number | null;
  readonly fromNs: bigint | null;
  readonly toNs: bigint | null;
  readonly finalState: string | null;
  readonly matchedBy: AttemptWindow['matchedBy'];
}

/** What a page shows: one run, one of its attempts, and each primary trace's window for it. */
export interface PageScope {
  readonly run: RunInfo;
  readonly attempt: number | null;
  readonly windows: readonly TraceWindow[];
}

/** A run or attempt asked for that is not in the workspace (a stale page): one line. */
export class RunNotFound extends Error {
  readonly code = 'not-found';
}

/** Integers only reach SQL through here (they come over the wire). */
function intSql(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

function windowOf(scope: PageScope, side: 'src' | 'dst'): TraceWindow | null {
  return scope.windows.find((w) => w.side === side) ?? null;
}

/** `ts` within the window's bounds (TRUE when both are open). */
function tsIn(w: TraceWindow, ts: string): string {
  const parts: string[] = [];
  if (w.fromNs !== null) parts.push(`${ts} >= ${w.fromNs}`);
  if (w.toNs !== null) parts.push(`${ts} < ${w.toNs}`);
  return parts.length ? parts.join(' AND ') : 'true';
}

/** Rows of the scope's traces inside their windows, by a time column. */
export function scopeByTime(scope: PageScope, traceCol: string, tsCol: string): string {
  if (scope.windows.length === 0) return 'false';
  const one = (w: TraceWindow) => `(${traceCol} = ${intSql(w.traceId)} AND ${tsIn(w, tsCol)})`;
  return scope.windows.length === 1 ? one(scope.windows[0]!) : `(${scope.windows.map(one).join('\n    OR ')})`;
}

/** Rows of the scope's traces and attempts, by a view's attempt column (migration_attempts numbering). */
export function scopeByAttempt(scope: PageScope, traceCol: string, attemptCol: string): string {
  if (scope.windows.length === 0) return 'false';
  const one = (w: TraceWindow) =>
    w.attempt === null ? `${traceCol} = ${intSql(w.traceId)}` : `(${traceCol} = ${intSql(w.traceId)} AND ${attemptCol} = ${intSql(w.attempt)})`;
  return scope.windows.length === 1 ? one(scope.windows[0]!) : `(${scope.windows.map(one).join(' OR ')})`;
}

/** The attempt cards: migration_overview rows of the run's attempt, source first. */
export function overviewSql(cat: PageCatalog, scope: PageScope): PageQuery {
  if (!cat.views.has(O)) return missingView(O);
  return { sql: `SELECT *\nFROM ${O}\nWHERE ${scopeByAttempt(scope, 'trace_id', 'attempt')}\nORDER BY ${SOURCE_FIRST}, start_ts_ns, attempt` };
}

/**
 * State intervals of the run's traces in the attempt, on the source's clock. ts_aligned_ns is
 * ts_ns plus the trace's clock offset (what the events view exposes); computed from
 * migrate_set_state directly so the timeline works before and after the alignment estimate
 * lands. A state lasts until the trace's next state change (in the next attempt, for the
 * attempt's last state), or its last record.
 */
export function stateTimelineSql(cat: PageCatalog, scope: PageScope): PageQuery {
  if (!cat.stateEvents) return { missing: 'No migrate_set_state events in these traces.' };
  const ids = scope.windows.map((w) => intSql(w.traceId)).join(', ') || 'NULL';
  return {
    sql: `WITH s AS (
  SELECT m.side, m.trace_id, m.seq, m.ts_ns, m.new_state AS state, t.clock AS clock,
         m.ts_ns + coalesce(t.clock_offset_ns, 0) AS ts_aligned_ns,
         t.last_ts_ns + coalesce(t.clock_offset_ns, 0) AS trace_end_aligned_ns
  FROM migrate_set_state m JOIN traces t USING (trace_id)
  WHERE m.trace_id IN (${ids})
), iv AS (
  SELECT side, trace_id, seq, ts_ns, state, clock, ts_aligned_ns,
         coalesce(lead(ts_aligned_ns) OVER (PARTITION BY trace_id ORDER BY seq), trace_end_aligned_ns) AS until_aligned_ns
  FROM s
), w AS (
  SELECT * FROM iv WHERE ${scopeByTime(scope, 'trace_id', 'ts_ns')}
), o AS (
  -- One origin per clock kind: a wall-clock log and a monotonic simpletrace cannot share an axis.
  SELECT clock, coalesce(min(ts_aligned_ns) FILTER (WHERE side = 'src'), min(ts_aligned_ns)) AS origin_ns FROM w GROUP BY clock
)
SELECT side, trace_id, state, ts_aligned_ns, until_aligned_ns,
       (ts_aligned_ns - origin_ns) / 1e6 AS start_ms,
       (greatest(until_aligned_ns, ts_aligned_ns) - origin_ns) / 1e6 AS end_ms,
       (greatest(until_aligned_ns, ts_aligned_ns) - ts_aligned_ns) / 1e6 AS duration_ms
FROM w JOIN o ON o.clock IS NOT DISTINCT FROM w.clock
ORDER BY ${SOURCE_FIRST}, trace_id, seq`,
  };
}

export function dirtyPagesSql(cat: PageCatalog, scope: PageScope): PageQuery {
  const v = 'dirty_sync_iterations';
  if (!cat.views.has(v)) return missingView(v);
  return {
    sql: `SELECT side, iteration, dirty_pages, attempt, dirty_pages_per_s, sync_ms, interval_ms, throttle_pct
FROM ${v}
WHERE ${scopeByAttempt(scope, 'trace_id', 'attempt')}
ORDER BY ${SOURCE_FIRST}, attempt, iteration`,
  };
}

/**
 * The time axis every migration chart shares: ms since the attempt's first state change of the
 * source (the `migrate` command), on the source's clock (ts_ns + clock_offset_ns). A destination
 * started with -incoming sits in 'setup' long before that; its wait is left of zero.
 * `clockOf`: the SQL of the row's trace clock, so that traces of another clock kind (a
 * monotonic simpletrace beside a wall-clock log) get an origin of their own.
 */
export function originExpr(cat: PageCatalog, scope: PageScope, clockOf: string): string | null {
  if (!cat.stateEvents) return null;
  return `(SELECT coalesce(min(o_m.ts_ns + coalesce(o_t.clock_offset_ns, 0)) FILTER (WHERE o_m.side = 'src'), min(o_m.ts_ns + coalesce(o_t.clock_offset_ns, 0)))
         FROM migrate_set_state o_m JOIN traces o_t USING (trace_id)
         WHERE ${scopeByTime(scope, 'o_m.trace_id', 'o_m.ts_ns')} AND o_t.clock IS NOT DISTINCT FROM ${clockOf})`;
}

/** Throughput in Mb/s per progress report (or between samples), per side, on the aligned clock. */
export function throughputSql(cat: PageCatalog, scope: PageScope): PageQuery {
  const v = 'precopy_progress';
  if (!cat.views.has(v)) return missingView(v);
  const origin = originExpr(cat, scope, 't.clock');
  // 7.2+ migrate_transferred: bytes sent in each ~100 ms rate-limit period and its length.
  if (origin) {
    return {
      sql: `SELECT p.side, p.ts_ns + coalesce(t.clock_offset_ns, 0) AS ts_aligned_ns,
       (p.ts_ns + coalesce(t.clock_offset_ns, 0) - ${origin}) / 1e6 AS t_ms,
       p.transferred_bytes * 8 / nullif(p.time_spent_ms, 0) / 1e3 AS mbps
FROM precopy_progress p JOIN traces t USING (trace_id)
WHERE p.kind = 'transferred' AND p.transferred_bytes IS NOT NULL
  AND ${scopeByTime(scope, 'p.trace_id', 'p.ts_ns')}
ORDER BY p.side = 'dst', ts_aligned_ns`,
    };
  }
  // No state changes to put zero at: the rate between cumulative byte counts, from the first sample.
  return {
    sql: `WITH p AS (
  SELECT side, ts_ns AS ts, cumulative_bytes::DOUBLE AS bytes
  FROM ${v} WHERE cumulative_bytes IS NOT NULL AND ${scopeByTime(scope, 'trace_id', 'ts_ns')}
)
SELECT side, ts, (ts - min(ts) OVER ()) / 1e6 AS t_ms,
       (bytes - lag(bytes) OVER w) * 8 / 1e6 / nullif((ts - lag(ts) OVER w) / 1e9, 0) AS mbps
FROM p
WINDOW w AS (PARTITION BY side ORDER BY ts)
QUALIFY mbps IS NOT NULL
ORDER BY ${SOURCE_FIRST}, ts`,
  };
}

/**
 * One lane per (side, channel): Mb/s in MULTIFD_BUCKET_MS buckets on the shared time axis, from
 * the multifd_throughput macro (a bucket belongs to the attempt when it starts before the
 * attempt's end and ends after its start); per-channel totals from multifd_channels without a
 * time axis.
 */
export function multifdLanesSql(cat: PageCatalog, scope: PageScope): PageQuery {
  const origin = originExpr(cat, scope, 't.clock');
  if (cat.multifdMacro && origin) {
    const bucketNs = BigInt(MULTIFD_BUCKET_MS) * 1_000_000n;
    const shifted: PageScope = { ...scope, windows: scope.windows.map((w) => ({ ...w, fromNs: w.fromNs === null ? null : w.fromNs - bucketNs + 1n })) };
    return {
      sql: `SELECT m.side || ' ch' || m.channel AS lane, m.side, m.channel,
       m.bucket_ts_ns + coalesce(t.clock_offset_ns, 0) AS ts_aligned_ns,
       (m.bucket_ts_ns + coalesce(t.clock_offset_ns, 0) - ${origin}) / 1e6 AS t_ms,
       m.packets, m.pages, m.bytes, m.mbps
FROM multifd_throughput(${MULTIFD_BUCKET_MS}) m JOIN traces t USING (trace_id)
WHERE ${scopeByTime(shifted, 'm.trace_id', 'm.bucket_ts_ns')}
ORDER BY m.side = 'dst', m.channel, ts_aligned_ns`,
    };
  }
  const v = 'multifd_channels';
  if (!cat.views.has(v)) return missingView(v);
  return {
    sql: `SELECT side, channel, ${MULTIFD_MEASURES.join(', ')}\nFROM ${v}\nWHERE ${scopeByTime(scope, 'trace_id', 'first_ts_ns')}\nORDER BY ${SOURCE_FIRST}, 2`,
  };
}

/** Resolution latency in power-of-two microsecond buckets (log scale suits fault latencies). */
export function postcopyLatencySql(cat: PageCatalog, scope: PageScope): PageQuery {
  const v = 'postcopy_faults';
  if (!cat.views.has(v)) return missingView(v);
  const dst = windowOf(scope, 'dst');
  if (!dst) return { missing: 'This run has no destination trace: fault latencies are measured there.' };
  return {
    sql: `WITH l AS (
  SELECT latency_ms * 1000 AS latency_us FROM ${v}
  WHERE latency_ms IS NOT NULL AND dst_trace_id = ${intSql(dst.traceId)} AND ${tsIn(dst, 'request_ts_ns')}
)
SELECT floor(log2(greatest(latency_us, 1)))::INTEGER AS bucket,
       pow(2, floor(log2(greatest(latency_us, 1)))) AS from_us,
       count(*) AS faults
FROM l
GROUP BY ALL
ORDER BY bucket`,
  };
}

/**
 * Checkpoint phases and per-device save (source) / load (destination) times of the run's pair
 * in the attempt, longest first; '≈' marks 7.2's approximation from section timings.
 */
export function downtimeSql(cat: PageCatalog, scope: PageScope): PageQuery {
  const v = 'downtime_breakdown';
  if (!cat.views.has(v)) return missingView(v);
  const src = windowOf(scope, 'src');
  const dst = windowOf(scope, 'dst');
  const pair = (w: TraceWindow | null, col: string) => (w ? `${col} = ${intSql(w.traceId)}` : `${col} IS NULL`);
  const within = (w: TraceWindow | null, col: string) => (w ? `(${col} IS NULL OR ${tsIn(w, col)})` : `${col} IS NULL`);
  return {
    sql: `SELECT CASE WHEN approximate THEN '≈ ' ELSE '' END || CASE WHEN kind = 'checkpoint' THEN name || coalesce(' (' || side || ')', '') ELSE name || coalesce('/' || instance_id, '') END AS label,
       kind, save_ms, load_ms, phase_ms
FROM ${v}
WHERE ${pair(src, 'src_trace_id')} AND ${pair(dst, 'dst_trace_id')}
  AND ${within(src, 'src_ts_ns')} AND ${within(dst, 'dst_ts_ns')}
  AND coalesce(save_ms, load_ms, phase_ms) IS NOT NULL
ORDER BY greatest(coalesce(save_ms, 0), coalesce(load_ms, 0), coalesce(phase_ms, 0)) DESC
LIMIT 30`,
  };
}

/** The Migration page's charts, in page order. */
export const MIGRATION_CHARTS: { readonly [K in MigrationChartId]: (cat: PageCatalog, scope: PageScope) => PageQuery } = {
  states: stateTimelineSql,
  dirty: dirtyPagesSql,
  throughput: throughputSql,
  multifd: multifdLanesSql,
  postcopy: postcopyLatencySql,
  downtime: downtimeSql,
};

// ---------------------------------------------------------------------------------------------
// Runs and their attempts: what the selectors offer, and how a run and attempt become windows.

export interface TraceAttempt {
  readonly attempt: number;
  /** Null for a trace without time stamps: its attempts are told apart by the views' attempt column only. */
  readonly startNs: bigint | null;
  readonly nextStartNs: bigint | null;
  readonly finalState: string | null;
  readonly postcopy: boolean;
}

export interface TraceAttemptFacts {
  readonly offsetNs: bigint;
  readonly lastNs: bigint | null;
  readonly attempts: readonly TraceAttempt[];
}

/** What the run selectors need of every run's primary traces: their attempts, offsets and ends. */
export interface RunFacts {
  readonly runs: readonly RunInfo[];
  readonly traces: ReadonlyMap<number, TraceAttemptFacts>;
  /** Traces analyses use (alternates excluded), for the empty state. */
  readonly traceCount: number;
}

const big = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as bigint | number | string));

export async function readRunFacts(conn: DuckDBConnection, cat: PageCatalog, runs: readonly RunInfo[]): Promise<RunFacts> {
  const traces = new Map<number, { offsetNs: bigint; lastNs: bigint | null; attempts: TraceAttempt[] }>();
  const t = await conn.runAndReadAll(`SELECT trace_id, coalesce(clock_offset_ns, 0), last_ts_ns, alternate_of FROM traces`);
  let traceCount = 0;
  for (const [id, off, last, alt] of t.getRowsJS()) {
    traces.set(Number(id), { offsetNs: big(off) ?? 0n, lastNs: big(last), attempts: [] });
    if (alt === null || alt === undefined) traceCount++;
  }
  if (cat.views.has('migration_attempts')) {
    const a = await conn.runAndReadAll(
      `SELECT trace_id, attempt, start_ts_ns, next_start_ts_ns, final_state, coalesce(postcopy, false) FROM migration_attempts ORDER BY trace_id, attempt`,
    );
    for (const [id, attempt, start, next, state, postcopy] of a.getRowsJS()) {
      if (attempt === null) continue;
      traces.get(Number(id))?.attempts.push({
        attempt: Number(attempt), startNs: big(start), nextStartNs: big(next), finalState: state === null ? null : String(state), postcopy: postcopy === true,
      });
    }
  }
  return { runs, traces, traceCount };
}

/** The trace whose attempts a run's attempts are: the source, else the destination. */
function leadOf(facts: RunFacts, run: RunInfo): { side: 'src' | 'dst'; traceId: number } | null {
  for (const side of ['src', 'dst'] as const) {
    const id = side === 'src' ? run.srcTraceId : run.dstTraceId;
    if (id !== null && (facts.traces.get(id)?.attempts.length ?? 0) > 0) return { side, traceId: id };
  }
  return null;
}

export function runChoices(facts: RunFacts): RunChoice[] {
  return facts.runs.map((run) => {
    const lead = leadOf(facts, run);
    const attempts: RunAttempt[] = (lead ? facts.traces.get(lead.traceId)!.attempts : []).map((a) => ({
      attempt: a.attempt, finalState: a.finalState, startTsNs: a.startNs === null ? null : String(a.startNs), postcopy: a.postcopy,
    }));
    return { run, attempts, finalState: attempts.at(-1)?.finalState ?? null };
  });
}

/**
 * The run a page shows when none is asked for: the one that started last (ties and runs without
 * a start: the higher id). Starts on different clock kinds do not compare; an epoch start wins.
 */
export function newestRun(runs: readonly RunInfo[]): RunInfo | null {
  let best: RunInfo | null = null;
  for (const r of runs) {
    if (best === null) {
      best = r;
      continue;
    }
    const a = best.startTsNs === null ? null : BigInt(best.startTsNs);
    const b = r.startTsNs === null ? null : BigInt(r.startTsNs);
    if ((b !== null && (a === null || b > a)) || (b === a && r.runId > best.runId)) best = r;
  }
  return best;
}

/** Why a workspace shows no run: no traces yet, or traces not assigned to runs. */
export function noRunsReason(facts: RunFacts): string {
  if (facts.traceCount === 0) return 'No traces in this workspace yet: open the source and destination traces of a migration.';
  return `This workspace has ${facts.traceCount} trace${facts.traceCount === 1 ? '' : 's'} but no runs (migrations): it was made by an older qtw or its runs were never assigned. Open it writable with this qtw to assign them.`;
}

/**
 * A run and attempt as windows on its primary traces. The attempt is the lead trace's (the
 * source's, else the destination's): its window runs from its first state change to the next
 * attempt's. The other trace takes its only attempt when both have one; else the attempt whose
 * span overlaps the lead attempt's most on the aligned clock (a heuristic, so marked); else, with
 * as many attempts as the lead, the one of the same number (marked too); else it is left out.
 */
export function resolveScope(facts: RunFacts, runId: number | null, attempt: number | null): PageScope | null {
  const run = runId === null ? newestRun(facts.runs) : (facts.runs.find((r) => r.runId === runId) ?? null);
  if (run === null) {
    if (runId !== null) throw new RunNotFound(`no run ${runId} in this workspace`);
    return null;
  }
  const lead = leadOf(facts, run);
  const sides = [
    { side: 'src' as const, traceId: run.srcTraceId },
    { side: 'dst' as const, traceId: run.dstTraceId },
  ].filter((s): s is { side: 'src' | 'dst'; traceId: number } => s.traceId !== null && facts.traces.has(s.traceId));
  if (lead === null) {
    if (attempt !== null) throw new RunNotFound(`run ${run.runId} (${run.label}) has no migration attempts`);
    return {
      run, attempt: null,
      windows: sides.map((s) => ({ ...s, attempt: null, fromNs: null, toNs: null, finalState: null, matchedBy: 'whole-trace' as const })),
    };
  }
  const leadFacts = facts.traces.get(lead.traceId)!;
  const picked = attempt === null ? leadFacts.attempts.at(-1)! : leadFacts.attempts.find((a) => a.attempt === attempt);
  if (!picked) throw new RunNotFound(`run ${run.runId} (${run.label}) has no attempt ${attempt}`);
  const windows: TraceWindow[] = [];
  const span = (f: TraceAttemptFacts, a: TraceAttempt): [bigint, bigint] | null =>
    a.startNs === null ? null : [a.startNs + f.offsetNs, (a.nextStartNs ?? f.lastNs ?? a.startNs) + f.offsetNs];
  const leadSpan = span(leadFacts, picked);
  for (const s of sides) {
    const win = (a: TraceAttempt, matchedBy: TraceWindow['matchedBy']): TraceWindow => ({
      ...s, attempt: a.attempt, fromNs: a.startNs, toNs: a.nextStartNs, finalState: a.finalState, matchedBy,
    });
    if (s.traceId === lead.traceId) {
      windows.push(win(picked, leadFacts.attempts.length === 1 ? 'only' : 'picked'));
      continue;
    }
    const f = facts.traces.get(s.traceId)!;
    if (f.attempts.length === 0) {
      windows.push({ ...s, attempt: null, fromNs: null, toNs: null, finalState: null, matchedBy: 'whole-trace' });
      continue;
    }
    if (f.attempts.length === 1 && leadFacts.attempts.length === 1) {
      windows.push(win(f.attempts[0]!, 'only'));
      continue;
    }
    let best: TraceAttempt | null = null;
    let bestOverlap = 0n;
    for (const a of leadSpan ? f.attempts : []) {
      const [l0, l1] = leadSpan!;
      const other = span(f, a);
      if (!other) continue;
      const [o0, o1] = other;
      const overlap = (o1 < l1 ? o1 : l1) - (o0 > l0 ? o0 : l0);
      if (overlap > bestOverlap) {
        best = a;
        bestOverlap = overlap;
      }
    }
    if (best) windows.push(win(best, 'overlap'));
    else if (f.attempts.length === leadFacts.attempts.length) windows.push(win(f.attempts[leadFacts.attempts.indexOf(picked)]!, 'ordinal'));
  }
  return { run, attempt: picked.attempt, windows };
}

export function toAttemptWindow(w: TraceWindow): AttemptWindow {
  return { ...w, fromNs: w.fromNs === null ? null : String(w.fromNs), toNs: w.toNs === null ? null : String(w.toNs) };
}

// ---------------------------------------------------------------------------------------------
// Compare: two runs (A and B), source with source and destination with destination. Deltas are
// B − A and ratios B / A, so "B is slower" reads as a positive delta, ratio > 1.

export interface AttemptKey {
  readonly side: string;
  readonly attempt: number | null;
  readonly traceId: number | null;
}

/** The rows of one attempt: by trace when it is known (a run's role, not the trace's side column), else by side. */
export function attemptFilter(a: AttemptKey, alias = ''): string {
  const p = alias ? `${alias}.` : '';
  const parts = a.traceId === null ? [`${p}side = ${lit(a.side)}`] : [];
  if (a.attempt !== null) parts.push(`${p}attempt = ${intSql(a.attempt)}`);
  if (a.traceId !== null) parts.push(`${p}trace_id = ${intSql(a.traceId)}`);
  return parts.join(' AND ');
}

/** One side's attempt of a compared run, as phasesSql and eventsSql select it. */
export function sideKey(scope: PageScope, side: 'src' | 'dst'): AttemptKey | null {
  const w = windowOf(scope, side);
  return w ? { side, attempt: w.attempt, traceId: w.traceId } : null;
}

/** Overview measures and time in each state ("phases") of A and B. */
export function phasesSql(cat: PageCatalog, a: AttemptKey, b: AttemptKey): PageQuery {
  if (!cat.views.has(O)) return missingView(O);
  const rows = OVERVIEW_METRICS.map((m, i) => `  SELECT ${lit(m)} AS metric, ${i} AS ord, a.${m}::DOUBLE AS a, b.${m}::DOUBLE AS b FROM a FULL JOIN b ON true`);
  const withStates = cat.views.has('migration_states');
  if (withStates) {
    rows.push(`  SELECT 'ms in ' || state AS metric, 1000 + min(ord) AS ord, max(ms) FILTER (WHERE pick = 'A') AS a, max(ms) FILTER (WHERE pick = 'B') AS b
  FROM (SELECT s.pick, s.state, min(s.seq) AS ord, sum(s.ms_in_state) AS ms FROM st s GROUP BY ALL)
  GROUP BY state`);
  }
  const st = withStates
    ? `,
st AS (
  SELECT 'A' AS pick, state, seq, ms_in_state FROM migration_states s WHERE ${attemptFilter(a, 's')}
  UNION ALL
  SELECT 'B', state, seq, ms_in_state FROM migration_states s WHERE ${attemptFilter(b, 's')}
)`
    : '';
  return {
    sql: `WITH a AS (SELECT * FROM ${O} WHERE ${attemptFilter(a)}),
b AS (SELECT * FROM ${O} WHERE ${attemptFilter(b)})${st}
SELECT metric, a, b, b - a AS delta, round(b / nullif(a, 0), 3) AS ratio
FROM (
${rows.join('\n  UNION ALL\n')}
)
ORDER BY ord`,
  };
}

/**
 * Per-event counts and rates within each attempt's window [start_ts_ns, end_ts_ns] of its own
 * trace (an unfinished attempt runs to the trace's last record).
 */
export function eventsSql(cat: PageCatalog, a: AttemptKey, b: AttemptKey): PageQuery {
  if (!cat.views.has(O)) return missingView(O);
  const win = (pick: string, r: AttemptKey) =>
    `  SELECT ${lit(pick)} AS pick, o.trace_id, o.start_ts_ns AS t0, coalesce(o.end_ts_ns, t.last_ts_ns) AS t1 FROM ${O} o JOIN traces t USING (trace_id) WHERE ${attemptFilter(r, 'o')}`;
  return {
    sql: `WITH win AS (
${win('A', a)}
  UNION ALL
${win('B', b)}
),
c AS (
  SELECT w.pick, e.name, count(*) AS n, any_value(w.t1 - w.t0) AS span_ns
  FROM win w JOIN events e ON e.trace_id = w.trace_id AND e.ts_ns BETWEEN w.t0 AND w.t1
  GROUP BY ALL
),
ca AS (SELECT * FROM c WHERE pick = 'A'),
cb AS (SELECT * FROM c WHERE pick = 'B')
SELECT coalesce(ca.name, cb.name) AS event,
       coalesce(ca.n, 0) AS a_count, coalesce(cb.n, 0) AS b_count,
       coalesce(cb.n, 0) - coalesce(ca.n, 0) AS delta,
       round(cb.n / nullif(ca.n, 0), 3) AS ratio,
       round(coalesce(ca.n, 0) / nullif((SELECT max(t1 - t0) FROM win WHERE pick = 'A') / 1e9, 0), 1) AS a_per_s,
       round(coalesce(cb.n, 0) / nullif((SELECT max(t1 - t0) FROM win WHERE pick = 'B') / 1e9, 0), 1) AS b_per_s
FROM ca FULL JOIN cb ON ca.name = cb.name
ORDER BY greatest(coalesce(ca.n, 0), coalesce(cb.n, 0)) DESC, event`,
  };
}

// ---------------------------------------------------------------------------------------------
// Running them.

/** One query of a page as run: its SQL and first rows, why it could not be built, or its error. */
export interface PageQueryResult {
  readonly sql: string | null;
  readonly missing: string | null;
  readonly error: string | null;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly CellValue[])[];
}

export async function runPageQuery(conn: DuckDBConnection, q: PageQuery, maxRows = PAGE_MAX_ROWS): Promise<PageQueryResult> {
  if ('missing' in q) return { sql: null, missing: q.missing, error: null, columns: [], rows: [] };
  try {
    const r = await conn.runAndReadUntil(q.sql, maxRows);
    return { sql: q.sql, missing: null, error: null, columns: r.columnNames(), rows: r.getRowsJS().slice(0, maxRows).map((row) => row.map(toCell)) };
  } catch (e) {
    return { sql: q.sql, missing: null, error: String((e as Error)?.message ?? e).replace(/\s*\n\s*/g, ' '), columns: [], rows: [] };
  }
}

export interface MigrationPageResults {
  readonly runs: readonly RunChoice[];
  readonly scope: PageScope | null;
  readonly noRuns: string | null;
  readonly overview: PageQueryResult;
  readonly charts: { readonly [K in MigrationChartId]: PageQueryResult };
}

/**
 * Every query of the Migration page for one run (null: the newest) and attempt (null: its
 * last), one after another (one connection runs one at a time). `runs`: the workspace's runs
 * (listRuns).
 */
export async function migrationPageResults(
  conn: DuckDBConnection,
  runs: readonly RunInfo[],
  runId: number | null,
  attempt: number | null,
): Promise<MigrationPageResults> {
  const cat = await readPageCatalog(conn);
  const facts = await readRunFacts(conn, cat, runs);
  const scope = resolveScope(facts, runId, attempt);
  const charts: Partial<Record<MigrationChartId, PageQueryResult>> = {};
  const noRuns = scope === null ? noRunsReason(facts) : null;
  const run = (build: (c: PageCatalog, s: PageScope) => PageQuery) => runPageQuery(conn, scope === null ? { missing: noRuns! } : build(cat, scope));
  const all = async () => {
    const overview = await run(overviewSql);
    for (const [id, build] of Object.entries(MIGRATION_CHARTS) as [MigrationChartId, (c: PageCatalog, s: PageScope) => PageQuery][]) {
      charts[id] = await run(build);
    }
    return overview;
  };
  // The run's traces only (the SQL shown by "Open query" names the same views and filters, and
  // gives the same rows over the whole workspace, only slower).
  const ids = scope === null ? [] : [scope.run.srcTraceId, scope.run.dstTraceId].filter((x): x is number => x !== null);
  const overview = ids.length > 0 && cat.views.size > 0 ? await withScopedAnalyses(conn, ids, all) : await all();
  return { runs: runChoices(facts), scope, noRuns, overview, charts: charts as MigrationPageResults['charts'] };
}

/** Rows a Compare table receives. */
export const COMPARE_MAX_ROWS = 2000;

export interface CompareSideResults {
  readonly phases: PageQueryResult;
  readonly events: PageQueryResult;
}

export interface CompareResults {
  readonly runs: readonly RunChoice[];
  readonly noRuns: string | null;
  readonly a: PageScope | null;
  readonly b: PageScope | null;
  readonly src: CompareSideResults | null;
  readonly dst: CompareSideResults | null;
}

/** The runs to pick from, and when both are picked, each side of A against the same side of B. */
export async function compareResults(
  conn: DuckDBConnection,
  runs: readonly RunInfo[],
  a: RunRef | null,
  b: RunRef | null,
): Promise<CompareResults> {
  const cat = await readPageCatalog(conn);
  const facts = await readRunFacts(conn, cat, runs);
  const choices = runChoices(facts);
  const noRuns = runs.length === 0 ? noRunsReason(facts) : null;
  if (a === null || b === null) return { runs: choices, noRuns, a: null, b: null, src: null, dst: null };
  const sa = resolveScope(facts, a.runId, a.attempt)!;
  const sb = resolveScope(facts, b.runId, b.attempt)!;
  const side = async (s: 'src' | 'dst'): Promise<CompareSideResults> => {
    const ka = sideKey(sa, s);
    const kb = sideKey(sb, s);
    const name = s === 'src' ? 'source' : 'destination';
    const lacking = [ka ? null : `A (${sa.run.label})`, kb ? null : `B (${sb.run.label})`].filter((x) => x !== null);
    if (ka === null || kb === null) {
      const q: PageQuery = { missing: `No ${name} trace in ${lacking.join(' or ')} for this attempt.` };
      return { phases: await runPageQuery(conn, q), events: await runPageQuery(conn, q) };
    }
    return {
      phases: await runPageQuery(conn, phasesSql(cat, ka, kb), COMPARE_MAX_ROWS),
      events: await runPageQuery(conn, eventsSql(cat, ka, kb), COMPARE_MAX_ROWS),
    };
  };
  const ids = [sa.run.srcTraceId, sa.run.dstTraceId, sb.run.srcTraceId, sb.run.dstTraceId].filter((x): x is number => x !== null);
  const both = async () => ({ src: await side('src'), dst: await side('dst') });
  const r = ids.length > 0 && cat.views.size > 0 ? await withScopedAnalyses(conn, ids, both) : await both();
  return { runs: choices, noRuns, a: sa, b: sb, ...r };
}
