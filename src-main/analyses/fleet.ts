// The Fleet: one row per run (one migration: analyses/runs/) of a workspace with many, built from
// the runs table and migration_overview so that `qtw fleet` and the Fleet page show the same
// numbers from the same query. Which row a run's numbers come from is a choice, so the row says
// it (numbers_from) rather than mixing sides silently:
//   - the source trace's last attempt (QEMU's own query-migrate is the source's view);
//   - the destination's last attempt only when the run has no source trace, or its source trace
//     has no migration_overview row (then total_ms is the destination's: first state change to
//     'completed', and setup/downtime stay NULL: the destination does not know them);
//   - postcopy faults, their latency and QEMU's postcopy-blocktime (the time all vCPUs were
//     blocked at once) are destination-only numbers: always the destination's last attempt;
//   - a trace without timestamps (clock 'none') cannot be cut into attempt windows, so
//     migration_overview's measures of it are not what happened (counts of 0, no final state):
//     they are shown as NULL and the row's note says why.
import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { toCell, type CellValue, type ColumnInfo } from '../workspace/query.ts';
import { renderAnalyses } from './install.ts';
import { withScopedAnalyses } from './install.ts';

/**
 * Bytes per page for the throughput: QEMU's target page size, 4 KiB on x86 (the only targets the
 * samples have); the traces carry page counts, not bytes.
 */
export const FLEET_PAGE_BYTES = 4096;

/** How throughput_mbps is computed, in the words the CLI and the page show. */
export const FLEET_THROUGHPUT_RULE =
  `throughput_mbps = normal_pages × ${FLEET_PAGE_BYTES} B × 8 / total_ms: RAM pages sent whole (zero pages and device state not counted; ` +
  `a ${FLEET_PAGE_BYTES / 1024} KiB target page assumed) over the whole migration, in Mb/s (10^6 bits per second, as query-migrate's mbps)`;

/** Views the fleet query reads: each must exist (a read-only workspace never refreshed may lack them). */
export const FLEET_VIEWS = ['migration_overview', 'postcopy_faults'] as const;

/** Bump when the per-trace measures below change: rows cached by an older qtw are then stale. */
const CACHE_VERSION = 2;

/**
 * Per-trace measures, kept so that the fleet of a workspace with hundreds of runs answers at
 * once: migration_overview is computed from every event of every trace, which takes seconds.
 * Written with the analysis views (refreshFleetCache); a row is used only while its
 * fingerprint still matches its trace (records, catalogue, alternate, clock) and the view
 * definitions; other traces are computed when asked (fleetResults).
 */
export const FLEET_CACHE = 'qtw_fleet_cache';

/** Measures of a trace's last attempt in migration_overview, in output order. */
const FROM_ROW = [
  'final_state', 'postcopy', 'total_ms', 'setup_ms', 'downtime_ms', 'downtime_source', 'dirty_syncs',
  'normal_pages', 'zero_pages', 'multifd_channels', 'postcopy_requests', 'fault_latency_p99_ms', 'postcopy_blocktime_ms',
] as const;

/**
 * The analysis views' definitions as this qtw renders them for this workspace's event tables
 * (not duckdb_views().sql: DuckDB re-serialises a view's text when the file is opened again).
 */
async function viewsKey(conn: DuckDBConnection): Promise<string> {
  const h = createHash('sha256');
  for (const { sql } of await renderAnalyses(conn)) h.update(sql).update('\0');
  return h.digest('hex').slice(0, 32);
}

/** What a cached row must match: its trace as it is now, and the views (`key`: viewsKey) as they are now. */
function fingerprintSql(t: string, key: string): string {
  // The run's sides too: a destination's faults pair with its run's source, which may come later.
  const sides = `(SELECT concat_ws('-', r.src_trace_id, r.dst_trace_id) FROM runs r WHERE r.run_id = ${t}.run_id)`;
  return `concat_ws('|', ${CACHE_VERSION}, ${t}.records, ${t}.catalogue_id, coalesce(${t}.alternate_of, 0), ${t}.clock, coalesce(${sides}, ''), '${key.replace(/[^0-9a-f]/g, '')}')`;
}

/**
 * One row per trace (of those `traceId` selects: one id, or all): its last attempt's
 * measures (has_overview false when migration_overview has no row of it) and its destination
 * page faults. One id is a filter DuckDB pushes into the views; a list of ids is not.
 */
export function traceMeasuresSql(traceId: number | null, key: string): string {
  if (traceId !== null && !Number.isSafeInteger(traceId)) throw new Error(`not a trace id: ${traceId}`);
  const where = (col: string) => (traceId === null ? '' : ` AND ${col} = ${traceId}`);
  return `WITH o AS (
  SELECT *,
         row_number() OVER (PARTITION BY trace_id ORDER BY attempt DESC NULLS LAST) AS rn,
         count(attempt) OVER (PARTITION BY trace_id) AS n_attempts
  FROM migration_overview WHERE true${where('trace_id')}
),
-- Destination-only: page faults a thread took on a page not yet received.
pf AS (SELECT dst_trace_id AS trace_id, count(*) AS faults FROM postcopy_faults WHERE side = 'dst'${where('dst_trace_id')} GROUP BY ALL)
SELECT t.trace_id, ${fingerprintSql('t', key)} AS fingerprint, t.clock, o.trace_id IS NOT NULL AS has_overview, o.n_attempts,
  ${FROM_ROW.map((c) => `o.${c}`).join(', ')},
  pf.faults AS postcopy_faults
FROM traces t
LEFT JOIN o ON o.trace_id = t.trace_id AND o.rn = 1
LEFT JOIN pf ON pf.trace_id = t.trace_id
WHERE true${where('t.trace_id')}`;
}

/**
 * The fleet query over a relation of per-trace measures (traceMeasuresSql's columns): one row
 * per run, oldest migration first. Without `measures`, the query as a user can run it: from the
 * views, every trace computed.
 */
export function fleetSql(measures: string | null = null): string {
  // The fingerprint of the rows made here is never compared: any key will do.
  measures ??= traceMeasuresSql(null, '0');
  const pick = (c: string) => `CASE WHEN ts.clock = 'none' THEN NULL WHEN s.has_overview THEN s.${c} WHEN d.has_overview THEN d.${c} END`;
  const dstOnly = (c: string) => `CASE WHEN d.clock <> 'none' THEN d.${c} END`;
  const picked = FROM_ROW.filter((c) => c !== 'fault_latency_p99_ms' && c !== 'postcopy_blocktime_ms');
  return `WITH m AS (
${measures}
),
f AS (
SELECT r.run_id, r.label, r.qemu_version,
  CASE WHEN s.has_overview THEN 'src' WHEN d.has_overview THEN 'dst' END AS numbers_from,
  ${pick('n_attempts')} AS attempts,
${picked.map((c) => `  ${pick(c)} AS ${c}`).join(',\n')},
  ${dstOnly('final_state')} AS dst_final_state,
  CASE WHEN ts.clock = 'none' THEN 'the ' || CASE WHEN s.has_overview THEN 'source' ELSE 'destination' END
       || ' trace has no timestamps: its attempt windows, and so these measures, are unknown' END AS note,
  ${dstOnly('postcopy_faults')} AS postcopy_faults,
  ${dstOnly('fault_latency_p99_ms')} AS fault_latency_p99_ms,
  ${dstOnly('postcopy_blocktime_ms')} AS postcopy_blocktime_ms,
  r.src_trace_id, r.dst_trace_id, r.paired_by, r.label_source, r.start_ts_ns
FROM runs r
LEFT JOIN m s ON s.trace_id = r.src_trace_id
LEFT JOIN m d ON d.trace_id = r.dst_trace_id
LEFT JOIN m ts ON ts.trace_id = CASE WHEN s.has_overview THEN s.trace_id WHEN d.has_overview THEN d.trace_id END
)
SELECT run_id, label, qemu_version, final_state, numbers_from, attempts, postcopy,
  total_ms, setup_ms, downtime_ms,
  round(normal_pages * ${FLEET_PAGE_BYTES} * 8 / nullif(total_ms, 0) / 1000, 3) AS throughput_mbps,
  dirty_syncs, normal_pages, zero_pages, multifd_channels, postcopy_requests, postcopy_faults, fault_latency_p99_ms, postcopy_blocktime_ms,
  downtime_source, dst_final_state, note, src_trace_id, dst_trace_id, paired_by, label_source, start_ts_ns
FROM f
ORDER BY start_ts_ns NULLS LAST, run_id`;
}

/** More stale traces than this: one pass over the whole views beats one query per trace. */
const PER_TRACE_LIMIT = 8;

async function tableExists(conn: DuckDBConnection, name: string, temp = false): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name = '${name}' AND ${temp ? "database_name = 'temp'" : "database_name = current_database() AND schema_name = 'main'"}`,
  );
  return Number(r.getRowsJS()[0]?.[0] ?? 0) > 0;
}

/** Ids of `candidates` (SQL yielding trace ids) without a row of `table` that still fits them. */
async function staleTraces(conn: DuckDBConnection, table: string | null, candidates: string, key: string): Promise<number[]> {
  const fresh = table === null ? '' : ` AND NOT EXISTS (SELECT 1 FROM ${table} c WHERE c.trace_id = t.trace_id AND c.fingerprint = ${fingerprintSql('t', key)})`;
  const r = await conn.runAndReadAll(`SELECT t.trace_id FROM traces t WHERE t.trace_id IN (${candidates})${fresh} ORDER BY 1`);
  return r.getRowsJS().map((row) => Number(row[0]));
}

/** Insert the measures of `ids` into `table` (created by the caller with traceMeasuresSql's columns). */
async function fillMeasures(conn: DuckDBConnection, table: string, ids: readonly number[], key: string): Promise<void> {
  if (ids.length === 0) return;
  // The views computed for these traces and their run mates only (a destination's faults pair
  // with its source's requests): after an ingest, the new run, not every run of the workspace.
  const mates = await conn.runAndReadAll(
    `SELECT trace_id FROM traces WHERE trace_id IN (${ids.join(', ')})
        OR run_id IN (SELECT run_id FROM traces WHERE trace_id IN (${ids.join(', ')}) AND run_id IS NOT NULL)`,
  );
  const scope = mates.getRows().map((r) => Number(r[0]));
  await withScopedAnalyses(conn, scope, async () => {
    if (ids.length > PER_TRACE_LIMIT) {
      await conn.run(`INSERT INTO ${table} SELECT * FROM (${traceMeasuresSql(null, key)}) WHERE trace_id IN (${ids.join(', ')})`);
      return;
    }
    for (const id of ids) await conn.run(`INSERT INTO ${table} ${traceMeasuresSql(id, key)}`);
  });
}

/**
 * Bring the cache up to date with the traces and views (after the analysis views are refreshed,
 * on a writable connection): rows of traces gone or changed are dropped, missing ones computed.
 */
export async function refreshFleetCache(conn: DuckDBConnection): Promise<void> {
  if ((await fleetMissing(conn)) !== null) return;
  const key = await viewsKey(conn);
  await conn.run(`CREATE TABLE IF NOT EXISTS ${FLEET_CACHE} AS SELECT * FROM (${traceMeasuresSql(null, key)}) LIMIT 0`);
  await conn.run(`DELETE FROM ${FLEET_CACHE} c WHERE NOT EXISTS (SELECT 1 FROM traces t WHERE t.trace_id = c.trace_id AND c.fingerprint = ${fingerprintSql('t', key)})`);
  await fillMeasures(conn, FLEET_CACHE, await staleTraces(conn, FLEET_CACHE, 'SELECT trace_id FROM traces', key), key);
}

export interface FleetResult {
  readonly sql: string;
  /** Why there is no query for this workspace (an analysis view absent), else null. */
  readonly missing: string | null;
  readonly error: string | null;
  readonly columns: readonly ColumnInfo[];
  readonly rows: readonly (readonly CellValue[])[];
}

/** Why the fleet query cannot run in this workspace (views it reads are absent), or null. */
async function fleetMissing(conn: DuckDBConnection): Promise<string | null> {
  const present = await conn.runAndReadAll(
    `SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND view_name IN (${FLEET_VIEWS.map((v) => `'${v}'`).join(', ')})`,
  );
  const have = new Set(present.getRowsJS().map((r) => String(r[0])));
  const absent = FLEET_VIEWS.filter((v) => !have.has(v));
  return absent.length > 0 ? `The ${absent.join(', ')} analysis is not in this workspace.` : null;
}

/** The Parquet export's fleet.parquet, when this workspace has what the query reads. */
export async function fleetExport(conn: DuckDBConnection): Promise<{ name: string; sql: string } | null> {
  return (await fleetMissing(conn)) === null ? { name: 'fleet', sql: fleetSql() } : null;
}

/**
 * Runs the fleet query on `conn`: from the cache, the traces it lacks (a read-only workspace, a
 * trace made primary since) computed into a temp table of this connection. `sql` is the query
 * as a user can run it (from the views: the same rows, slower).
 */
export async function fleetResults(conn: DuckDBConnection): Promise<FleetResult> {
  const sql = fleetSql();
  const missing = await fleetMissing(conn);
  if (missing !== null) return { sql, missing, error: null, columns: [], rows: [] };
  try {
    const key = await viewsKey(conn);
    const fill = 'temp.qtw_fleet_fill';
    if (await tableExists(conn, 'qtw_fleet_fill', true)) await conn.run(`DELETE FROM ${fill}`);
    else await conn.run(`CREATE TEMP TABLE qtw_fleet_fill AS SELECT * FROM (${traceMeasuresSql(null, key)}) LIMIT 0`);
    const cached = (await tableExists(conn, FLEET_CACHE)) ? FLEET_CACHE : null;
    const needed = 'SELECT src_trace_id FROM runs UNION SELECT dst_trace_id FROM runs';
    await fillMeasures(conn, fill, await staleTraces(conn, cached, needed, key), key);
    const measures = cached === null ? `SELECT * FROM ${fill}` : `SELECT * FROM ${cached} WHERE trace_id NOT IN (SELECT trace_id FROM ${fill})\nUNION ALL SELECT * FROM ${fill}`;
    const r = await conn.runAndReadAll(fleetSql(measures));
    const types = r.columnTypes();
    return {
      sql,
      missing: null,
      error: null,
      columns: r.columnNames().map((name, i) => ({ name, type: types[i].toString() })),
      rows: r.getRowsJS().map((row) => row.map(toCell)),
    };
  } catch (e) {
    return { sql, missing: null, error: String((e as Error)?.message ?? e).replace(/\s*\n\s*/g, ' '), columns: [], rows: [] };
  }
}
