// Where alignment lives in a workspace: one clock_alignment row per estimated or overridden
// trace, and the effective offset in traces.clock_offset_ns (what the events view adds).
// A user's override_ns is never written by estimation, so it survives later ingests.
import type { DuckDBConnection } from '@duckdb/node-api';
import { methodText, type OffsetEstimate } from './estimate.ts';

export const CREATE_CLOCK_ALIGNMENT = `
CREATE TABLE IF NOT EXISTS clock_alignment(
  trace_id INTEGER PRIMARY KEY, src_trace_id INTEGER, estimate_ns BIGINT, uncertainty_ns BIGINT,
  lower_ns BIGINT, upper_ns BIGINT, pairs BIGINT, method VARCHAR, landmarks VARCHAR,
  override_ns BIGINT, estimated_at TIMESTAMP)`;

export interface AlignmentRow {
  readonly traceId: number;
  readonly side: string | null;
  readonly srcTraceId: number | null;
  readonly estimateNs: bigint | null;
  readonly uncertaintyNs: bigint | null;
  readonly lowerNs: bigint | null;
  readonly upperNs: bigint | null;
  readonly pairs: number;
  readonly method: string;
  readonly overrideNs: bigint | null;
  readonly offsetNs: bigint | null;
}

const big = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as bigint | number | string));
const sqlBig = (v: bigint | null): string => (v === null ? 'NULL' : `${v.toString()}::BIGINT`);

export async function ensureAlignmentTable(conn: DuckDBConnection): Promise<void> {
  await conn.run(CREATE_CLOCK_ALIGNMENT);
}

export async function storeEstimate(conn: DuckDBConnection, traceId: number, srcTraceId: number | null, e: OffsetEstimate): Promise<void> {
  await conn.run(
    `INSERT INTO clock_alignment (trace_id, src_trace_id, estimate_ns, uncertainty_ns, lower_ns, upper_ns, pairs, method, landmarks, estimated_at)
     VALUES (${traceId}, ${srcTraceId ?? 'NULL'}, ${sqlBig(e.offsetNs)}, ${sqlBig(e.uncertaintyNs)}, ${sqlBig(e.lowerNs)}, ${sqlBig(e.upperNs)},
             ${e.pairs}, $1, $2, now())
     ON CONFLICT (trace_id) DO UPDATE SET src_trace_id = excluded.src_trace_id, estimate_ns = excluded.estimate_ns,
       uncertainty_ns = excluded.uncertainty_ns, lower_ns = excluded.lower_ns, upper_ns = excluded.upper_ns, pairs = excluded.pairs,
       method = excluded.method, landmarks = excluded.landmarks, estimated_at = excluded.estimated_at`,
    [methodText(e), JSON.stringify(e.landmarks)],
  );
}

export async function storeOverride(conn: DuckDBConnection, traceId: number, offsetNs: bigint | null): Promise<void> {
  await conn.run(
    `INSERT INTO clock_alignment (trace_id, pairs, method, override_ns) VALUES (${traceId}, 0, 'none', ${sqlBig(offsetNs)})
     ON CONFLICT (trace_id) DO UPDATE SET override_ns = excluded.override_ns`,
  );
}

/** Source traces are the reference (0); others take the override, else the estimate, else NULL. */
export async function applyOffsets(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `UPDATE traces SET clock_offset_ns = coalesce(a.override_ns, a.estimate_ns, CASE WHEN traces.side = 'src' THEN 0 END)
     FROM (SELECT t.trace_id, c.override_ns, c.estimate_ns FROM traces t LEFT JOIN clock_alignment c USING (trace_id)) a
     WHERE a.trace_id = traces.trace_id
       AND clock_offset_ns IS DISTINCT FROM coalesce(a.override_ns, a.estimate_ns, CASE WHEN traces.side = 'src' THEN 0 END)`,
  );
}

export async function hasAlignmentTable(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT 1 FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'clock_alignment'`);
  return r.currentRowCount > 0;
}

/** A workspace opened read-only before alignment existed has no table: every trace reads as 'none'. */
const NO_ALIGNMENT = `(SELECT NULL::INTEGER AS trace_id, NULL::INTEGER AS src_trace_id, NULL::BIGINT AS estimate_ns, NULL::BIGINT AS uncertainty_ns,
  NULL::BIGINT AS lower_ns, NULL::BIGINT AS upper_ns, NULL::BIGINT AS pairs, NULL::VARCHAR AS method, NULL::BIGINT AS override_ns WHERE false)`;

export async function readAlignmentRows(conn: DuckDBConnection): Promise<AlignmentRow[]> {
  const table = (await hasAlignmentTable(conn)) ? 'clock_alignment' : NO_ALIGNMENT;
  const r = await conn.runAndReadAll(
    `SELECT t.trace_id, t.side, c.src_trace_id, c.estimate_ns, c.uncertainty_ns, c.lower_ns, c.upper_ns, coalesce(c.pairs, 0),
            coalesce(c.method, 'none'), c.override_ns, t.clock_offset_ns
     FROM traces t LEFT JOIN ${table} c USING (trace_id)
     WHERE t.side = 'dst' OR c.override_ns IS NOT NULL ORDER BY t.trace_id`,
  );
  return r.getRows().map((row) => ({
    traceId: Number(row[0]),
    side: row[1] === null ? null : String(row[1]),
    srcTraceId: row[2] === null ? null : Number(row[2]),
    estimateNs: big(row[3]),
    uncertaintyNs: big(row[4]),
    lowerNs: big(row[5]),
    upperNs: big(row[6]),
    pairs: Number(row[7]),
    method: String(row[8]),
    overrideNs: big(row[9]),
    offsetNs: big(row[10]),
  }));
}
