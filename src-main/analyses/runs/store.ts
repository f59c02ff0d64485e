// Runs in a workspace: read what plan.ts needs from `traces` and migrate_set_state, write the plan
// to `runs` and traces.run_id/alternate_of in one transaction, and the user's edits (a label, which
// of two duplicate traces analyses use). Refreshed after every ingest, re-type and removal, before
// clock alignment (which pairs each destination with its run's source).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RunInfo } from '../../contract.ts';
import { literal } from '../../workspace/schema.ts';
import { planRuns, type ExistingRun, type RunPlan, type StateMark, type TraceFacts } from './plan.ts';

const LAST_RUN_KEY = 'last_run_id';
const LAST_BATCH_KEY = 'last_ingest_batch';
export const MAX_LABEL = 200;

/** A refusal of a user's edit (unknown run or trace, bad label): one line. */
export class RunEditRefused extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'invalid-input',
  ) {
    super(message);
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const big = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as bigint));

async function hasStateTable(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'
       AND table_name = 'migrate_set_state' AND column_name = 'new_state'`,
  );
  return Number(r.getRows()[0][0]) > 0;
}

export async function readTraceFacts(conn: DuckDBConnection): Promise<TraceFacts[]> {
  const states = new Map<number, StateMark[]>();
  if (await hasStateTable(conn)) {
    const r = await conn.runAndReadAll(`SELECT trace_id, CAST(new_state AS VARCHAR), ts_ns FROM migrate_set_state ORDER BY trace_id, seq`);
    for (const [id, state, ts] of r.getRows()) {
      const k = Number(id);
      const list = states.get(k) ?? [];
      list.push({ state: String(state), ts: big(ts) });
      states.set(k, list);
    }
  }
  const r = await conn.runAndReadAll(
    `SELECT trace_id, path, member, original_name, side, format, clock, pid, first_ts_ns, catalogue_version, run_id, alternate_of,
            coalesce(events, 0) + coalesce(unparsed, 0) + coalesce(dropped, 0), ingest_batch
       FROM traces ORDER BY trace_id`,
  );
  return r.getRows().map((x) => {
    const side = str(x[4]);
    return {
      traceId: Number(x[0]),
      path: String(x[1]),
      member: str(x[2]),
      originalName: str(x[3]),
      side: side === 'src' || side === 'dst' ? side : null,
      format: String(x[5]),
      clock: str(x[6]),
      pid: num(x[7]),
      firstTsNs: big(x[8]),
      catalogueVersion: str(x[9]),
      states: states.get(Number(x[0])) ?? [],
      runId: num(x[10]),
      alternateOf: num(x[11]),
      emitted: Number(x[12]),
      batch: num(x[13]),
    };
  });
}

async function readExisting(conn: DuckDBConnection): Promise<{ runs: ExistingRun[]; last: number }> {
  const r = await conn.runAndReadAll(`SELECT run_id, label, label_source FROM runs`);
  const m = await conn.runAndReadAll(`SELECT value FROM qtw_meta WHERE key = ${literal(LAST_RUN_KEY)}`);
  const last = Number(m.getRows()[0]?.[0] ?? 0);
  return {
    runs: r.getRows().map((x) => ({ runId: Number(x[0]), label: String(x[1] ?? ''), labelSource: String(x[2] ?? '') })),
    last: Number.isFinite(last) ? last : 0,
  };
}

async function writePlan(conn: DuckDBConnection, plan: RunPlan): Promise<void> {
  await conn.run('DELETE FROM runs');
  for (const run of plan.runs) {
    await conn.run(
      `INSERT INTO runs (run_id, label, label_source, src_trace_id, dst_trace_id, qemu_version, start_ts_ns, paired_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [run.runId, run.label, run.labelSource, run.srcTraceId, run.dstTraceId, run.qemuVersion, run.startTsNs, run.pairedBy],
    );
  }
  // One UPDATE from a VALUES list: a workspace of a thousand traces is not a thousand statements.
  const rows = [...plan.traces].map(([id, t]) => `(${id}, ${t.runId}, ${t.alternateOf ?? 'NULL'})`);
  if (rows.length) {
    await conn.run(
      `UPDATE traces SET run_id = v.run_id, alternate_of = v.alternate_of
         FROM (VALUES ${rows.join(', ')}) v(trace_id, run_id, alternate_of)
        WHERE traces.trace_id = v.trace_id
          AND (traces.run_id IS DISTINCT FROM v.run_id OR traces.alternate_of IS DISTINCT FROM v.alternate_of)`,
    );
  }
  await conn.run(`INSERT OR REPLACE INTO qtw_meta VALUES (${literal(LAST_RUN_KEY)}, ${literal(String(plan.lastRunId))})`);
}

async function inTransaction<T>(conn: DuckDBConnection, f: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const out = await f();
    await conn.run('COMMIT');
    return out;
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Mark the traces one command (or job) ingested as one batch (plan.ts pairs halves given together). */
export async function markIngestBatch(conn: DuckDBConnection, traceIds: readonly number[]): Promise<void> {
  if (traceIds.length === 0) return;
  await inTransaction(conn, async () => {
    const m = await conn.runAndReadAll(`SELECT value FROM qtw_meta WHERE key = ${literal(LAST_BATCH_KEY)}`);
    const next = Number(m.getRows()[0]?.[0] ?? 0) + 1;
    await conn.run(`UPDATE traces SET ingest_batch = ${next} WHERE trace_id IN (${traceIds.map((n) => Math.trunc(n)).join(', ')})`);
    await conn.run(`INSERT OR REPLACE INTO qtw_meta VALUES (${literal(LAST_BATCH_KEY)}, ${literal(String(next))})`);
  });
}

/** Plan the runs again from the traces present and store them (ids and user labels kept). */
export async function refreshRuns(conn: DuckDBConnection): Promise<void> {
  await inTransaction(conn, async () => {
    const facts = await readTraceFacts(conn);
    const { runs, last } = await readExisting(conn);
    await writePlan(conn, planRuns(facts, runs, last));
  });
}

export async function readRuns(conn: DuckDBConnection): Promise<RunInfo[]> {
  const r = await conn.runAndReadAll(
    `SELECT r.run_id, r.label, r.label_source, r.src_trace_id, r.dst_trace_id, r.qemu_version, r.start_ts_ns, r.paired_by,
            (SELECT clock FROM traces t WHERE t.trace_id = coalesce(r.src_trace_id, r.dst_trace_id)) AS clock,
            (SELECT list(trace_id ORDER BY trace_id) FROM traces t WHERE t.run_id = r.run_id) AS ids,
            (SELECT list([trace_id, alternate_of] ORDER BY trace_id) FROM traces t WHERE t.run_id = r.run_id AND alternate_of IS NOT NULL) AS alts
       FROM runs r ORDER BY r.run_id`,
  );
  return r.getRowsJS().map((x) => ({
    runId: Number(x[0]),
    label: String(x[1] ?? ''),
    labelSource: String(x[2] ?? ''),
    srcTraceId: num(x[3]),
    dstTraceId: num(x[4]),
    qemuVersion: str(x[5]),
    startTsNs: x[6] === null || x[6] === undefined ? null : String(x[6]),
    pairedBy: String(x[7] ?? ''),
    clock: str(x[8]),
    traceIds: ((x[9] as unknown[] | null) ?? []).map(Number),
    alternates: ((x[10] as unknown[][] | null) ?? []).map((p) => ({ traceId: Number(p[0]), alternateOf: Number(p[1]) })),
  }));
}

/** The user's name for a run; it stays when runs are planned again. */
export async function setRunLabel(conn: DuckDBConnection, runId: number, label: string): Promise<void> {
  const text = label.trim();
  // Control and format characters (line separators, bidi overrides, zero-width) could break a
  // line or make one label read as another's.
  if (text.length === 0 || text.length > MAX_LABEL || /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(text)) {
    throw new RunEditRefused(`a run label is 1 to ${MAX_LABEL} printable characters on one line`, 'invalid-input');
  }
  const r = await conn.runAndReadAll(`SELECT 1 FROM runs WHERE run_id = $1`, [Math.trunc(runId)]);
  if (r.currentRowCount === 0) throw new RunEditRefused(`no run ${runId} in this workspace`, 'not-found');
  await conn.run(`UPDATE runs SET label = $1, label_source = 'user' WHERE run_id = $2`, [text, Math.trunc(runId)]);
}

/** One side's swap: `traceId` becomes the primary its alternate group uses. */
async function promote(conn: DuckDBConnection, traceId: number): Promise<void> {
  const r = await conn.runAndReadAll(`SELECT alternate_of, run_id, side FROM traces WHERE trace_id = $1`, [traceId]);
  const [former, runId, side] = r.getRows()[0];
  if (former === null) return;
  const f = Number(former);
  await conn.run(`UPDATE traces SET alternate_of = $1 WHERE alternate_of = $2 OR trace_id = $2`, [traceId, f]);
  await conn.run(`UPDATE traces SET alternate_of = NULL WHERE trace_id = $1`, [traceId]);
  const col = String(side) === 'src' ? 'src_trace_id' : 'dst_trace_id';
  await conn.run(`UPDATE runs SET ${col} = $1 WHERE run_id = $2 AND ${col} = $3`, [traceId, Number(runId), f]);
}

/**
 * Make `traceId` the trace analyses use for its side of its run: it and its former primary swap
 * roles, and the other alternates point at it. The other side follows to its trace of the same
 * format when it has one (a log source beside a simpletrace destination would put the two hosts
 * on clocks of different kinds). The next plan keeps the choice (plan.ts prefers the primary
 * already in use).
 */
export async function setPrimaryTrace(conn: DuckDBConnection, traceId: number): Promise<void> {
  await inTransaction(conn, async () => {
    const r = await conn.runAndReadAll(`SELECT run_id, side, format FROM traces WHERE trace_id = $1`, [Math.trunc(traceId)]);
    if (r.currentRowCount === 0) throw new RunEditRefused(`no trace ${traceId} in this workspace`, 'not-found');
    const [runId, side, format] = r.getRows()[0];
    await promote(conn, Math.trunc(traceId));
    if (runId === null || side === null) return;
    const other = await conn.runAndReadAll(
      `SELECT trace_id FROM traces WHERE run_id = $1 AND side IS DISTINCT FROM $2 AND side IS NOT NULL AND format = $3 AND alternate_of IS NOT NULL
        ORDER BY trace_id LIMIT 1`,
      [Number(runId), String(side), String(format)],
    );
    if (other.currentRowCount > 0) await promote(conn, Number(other.getRows()[0][0]));
  });
}
