// The SQL behind the Migration and Compare pages (and the report's analysis items), built in the
// engine so that every host shows the same numbers from the same queries. The analysis views'
// columns are fixed by their templates (template.ts: each view has the same columns in every
// workspace) and the traces table's by the workspace schema version, so nothing here probes
// columns: what may be absent is a whole view (analyses not installed, e.g. a read-only
// workspace that was never refreshed) or an event table (the traced events differ per trace).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { MigrationChartId } from '../contract.ts';
import { toCell, type CellValue } from '../workspace/query.ts';
import { ident } from '../workspace/schema.ts';
import { ANALYSES } from './catalog.ts';

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
 * of the view in its own order. Only names of the library (catalog.ts) are accepted.
 */
export function analysisSql(name: string): string {
  if (!ANALYSES.some((a) => a.name === name)) throw new Error(`unknown analysis ${name}`);
  return `SELECT * FROM ${ident(name)}`;
}

/** The attempt cards (and Compare's choices): migration_overview, source attempts first. */
export function overviewSql(cat: PageCatalog): PageQuery {
  return cat.views.has(O) ? { sql: `SELECT *\nFROM ${O}\nORDER BY ${SOURCE_FIRST}, start_ts_ns, attempt` } : missingView(O);
}

/**
 * State intervals of every trace on the source's clock. ts_aligned_ns is ts_ns plus the trace's
 * clock offset (what the events view exposes); computed from migrate_set_state directly so the
 * timeline works before and after the alignment estimate lands. The last state lasts until the
 * trace's last record.
 */
export function stateTimelineSql(cat: PageCatalog): PageQuery {
  if (!cat.stateEvents) return { missing: 'No migrate_set_state events in these traces.' };
  return {
    sql: `WITH s AS (
  SELECT m.side, m.trace_id, m.seq, m.new_state AS state, t.clock AS clock,
         m.ts_ns + coalesce(t.clock_offset_ns, 0) AS ts_aligned_ns,
         t.last_ts_ns + coalesce(t.clock_offset_ns, 0) AS trace_end_aligned_ns
  FROM migrate_set_state m JOIN traces t USING (trace_id)
), iv AS (
  SELECT side, trace_id, seq, state, clock, ts_aligned_ns,
         coalesce(lead(ts_aligned_ns) OVER (PARTITION BY trace_id ORDER BY seq), trace_end_aligned_ns) AS until_aligned_ns
  FROM s
), o AS (
  -- One origin per clock kind: a wall-clock log and a monotonic simpletrace of the same
  -- migration cannot share an axis.
  SELECT clock, coalesce(min(ts_aligned_ns) FILTER (WHERE side = 'src'), min(ts_aligned_ns)) AS origin_ns FROM iv GROUP BY clock
)
SELECT side, trace_id, state, ts_aligned_ns, until_aligned_ns,
       (ts_aligned_ns - origin_ns) / 1e6 AS start_ms,
       (greatest(until_aligned_ns, ts_aligned_ns) - origin_ns) / 1e6 AS end_ms,
       (greatest(until_aligned_ns, ts_aligned_ns) - ts_aligned_ns) / 1e6 AS duration_ms
FROM iv JOIN o ON o.clock IS NOT DISTINCT FROM iv.clock
ORDER BY ${SOURCE_FIRST}, trace_id, seq`,
  };
}

export function dirtyPagesSql(cat: PageCatalog): PageQuery {
  const v = 'dirty_sync_iterations';
  if (!cat.views.has(v)) return missingView(v);
  return {
    sql: `SELECT side, iteration, dirty_pages, attempt, dirty_pages_per_s, sync_ms, interval_ms, throttle_pct\nFROM ${v}\nORDER BY ${SOURCE_FIRST}, attempt, iteration`,
  };
}

/**
 * The time axis every migration chart shares: ms since the source's first migration state change
 * (the `migrate` command), on the source's clock (ts_ns + clock_offset_ns). A destination
 * started with -incoming sits in 'setup' long before that; its wait is left of zero.
 * `clockOf`: the SQL of the row's trace clock, so that traces of another clock kind (a
 * monotonic simpletrace beside a wall-clock log) get an origin of their own.
 */
export function originExpr(cat: PageCatalog, clockOf: string): string | null {
  if (!cat.stateEvents) return null;
  return `(SELECT coalesce(min(o_m.ts_ns + coalesce(o_t.clock_offset_ns, 0)) FILTER (WHERE o_m.side = 'src'), min(o_m.ts_ns + coalesce(o_t.clock_offset_ns, 0))) FROM migrate_set_state o_m JOIN traces o_t USING (trace_id) WHERE o_t.clock IS NOT DISTINCT FROM ${clockOf})`;
}

/** Throughput in Mb/s per progress report (or between samples), per side, on the aligned clock. */
export function throughputSql(cat: PageCatalog): PageQuery {
  const v = 'precopy_progress';
  if (!cat.views.has(v)) return missingView(v);
  const origin = originExpr(cat, 't.clock');
  // 7.2+ migrate_transferred: bytes sent in each ~100 ms rate-limit period and its length.
  if (origin) {
    return {
      sql: `SELECT p.side, p.ts_ns + coalesce(t.clock_offset_ns, 0) AS ts_aligned_ns,
       (p.ts_ns + coalesce(t.clock_offset_ns, 0) - ${origin}) / 1e6 AS t_ms,
       p.transferred_bytes * 8 / nullif(p.time_spent_ms, 0) / 1e3 AS mbps
FROM precopy_progress p JOIN traces t USING (trace_id)
WHERE p.kind = 'transferred' AND p.transferred_bytes IS NOT NULL
ORDER BY p.side = 'dst', ts_aligned_ns`,
    };
  }
  // No state changes to put zero at: the rate between cumulative byte counts, from the first sample.
  return {
    sql: `WITH p AS (
  SELECT side, ts_ns AS ts, cumulative_bytes::DOUBLE AS bytes
  FROM ${v} WHERE cumulative_bytes IS NOT NULL
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
 * the multifd_throughput macro; per-channel totals from multifd_channels without a time axis.
 */
export function multifdLanesSql(cat: PageCatalog): PageQuery {
  const origin = originExpr(cat, 't.clock');
  if (cat.multifdMacro && origin) {
    return {
      sql: `SELECT m.side || ' ch' || m.channel AS lane, m.side, m.channel,
       m.bucket_ts_ns + coalesce(t.clock_offset_ns, 0) AS ts_aligned_ns,
       (m.bucket_ts_ns + coalesce(t.clock_offset_ns, 0) - ${origin}) / 1e6 AS t_ms,
       m.packets, m.pages, m.bytes, m.mbps
FROM multifd_throughput(${MULTIFD_BUCKET_MS}) m JOIN traces t USING (trace_id)
ORDER BY m.side = 'dst', m.channel, ts_aligned_ns`,
    };
  }
  const v = 'multifd_channels';
  if (!cat.views.has(v)) return missingView(v);
  return { sql: `SELECT side, channel, ${MULTIFD_MEASURES.join(', ')}\nFROM ${v}\nORDER BY ${SOURCE_FIRST}, 2` };
}

/** Resolution latency in power-of-two microsecond buckets (log scale suits fault latencies). */
export function postcopyLatencySql(cat: PageCatalog): PageQuery {
  const v = 'postcopy_faults';
  if (!cat.views.has(v)) return missingView(v);
  return {
    sql: `WITH l AS (
  SELECT latency_ms * 1000 AS latency_us FROM ${v} WHERE latency_ms IS NOT NULL
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
 * Checkpoint phases and per-device save (source) / load (destination) times, longest first;
 * '≈' marks 7.2's approximation from section timings.
 */
export function downtimeSql(cat: PageCatalog): PageQuery {
  const v = 'downtime_breakdown';
  if (!cat.views.has(v)) return missingView(v);
  return {
    sql: `SELECT CASE WHEN approximate THEN '≈ ' ELSE '' END || CASE WHEN kind = 'checkpoint' THEN name || coalesce(' (' || side || ')', '') ELSE name || coalesce('/' || instance_id, '') END AS label,
       kind, save_ms, load_ms, phase_ms
FROM ${v}
WHERE coalesce(save_ms, load_ms, phase_ms) IS NOT NULL
ORDER BY greatest(coalesce(save_ms, 0), coalesce(load_ms, 0), coalesce(phase_ms, 0)) DESC
LIMIT 30`,
  };
}

/** The Migration page's charts, in page order. */
export const MIGRATION_CHARTS: { readonly [K in MigrationChartId]: (cat: PageCatalog) => PageQuery } = {
  states: stateTimelineSql,
  dirty: dirtyPagesSql,
  throughput: throughputSql,
  multifd: multifdLanesSql,
  postcopy: postcopyLatencySql,
  downtime: downtimeSql,
};

// ---------------------------------------------------------------------------------------------
// Compare: two attempts (A and B) side by side. Deltas are B − A and ratios B / A, so "B is
// slower" reads as a positive delta, ratio > 1.

export interface AttemptKey {
  readonly side: string;
  readonly attempt: number | null;
  readonly traceId: number | null;
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Integers only reach SQL through here (they come over the wire). */
function intSql(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

export function attemptFilter(a: AttemptKey, alias = ''): string {
  const p = alias ? `${alias}.` : '';
  const parts = [`${p}side = ${lit(a.side)}`];
  if (a.attempt !== null) parts.push(`${p}attempt = ${intSql(a.attempt)}`);
  if (a.traceId !== null) parts.push(`${p}trace_id = ${intSql(a.traceId)}`);
  return parts.join(' AND ');
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
  readonly overview: PageQueryResult;
  readonly charts: { readonly [K in MigrationChartId]: PageQueryResult };
}

/** Every query of the Migration page, one after another (one connection runs one at a time). */
export async function migrationPageResults(conn: DuckDBConnection): Promise<MigrationPageResults> {
  const cat = await readPageCatalog(conn);
  const overview = await runPageQuery(conn, overviewSql(cat));
  const charts: Partial<Record<MigrationChartId, PageQueryResult>> = {};
  for (const [id, build] of Object.entries(MIGRATION_CHARTS) as [MigrationChartId, (c: PageCatalog) => PageQuery][]) {
    charts[id] = await runPageQuery(conn, build(cat));
  }
  return { overview, charts: charts as MigrationPageResults['charts'] };
}

/** Rows a Compare table receives. */
export const COMPARE_MAX_ROWS = 2000;

/** The attempts to pick from, and when both are picked, their phases and per-event counts. */
export async function compareResults(
  conn: DuckDBConnection,
  a: AttemptKey | null,
  b: AttemptKey | null,
): Promise<{ attempts: PageQueryResult; phases: PageQueryResult | null; events: PageQueryResult | null }> {
  const cat = await readPageCatalog(conn);
  const attempts = await runPageQuery(conn, overviewSql(cat), 500);
  if (a === null || b === null) return { attempts, phases: null, events: null };
  return {
    attempts,
    phases: await runPageQuery(conn, phasesSql(cat, a, b), COMPARE_MAX_ROWS),
    events: await runPageQuery(conn, eventsSql(cat, a, b), COMPARE_MAX_ROWS),
  };
}
