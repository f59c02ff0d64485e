// The invariants that keep a workspace's traces apart: trace ids never repeat, every row of a
// per-trace table belongs to a trace in `traces` and the counts stored there agree with the rows.
// A workspace whose SQL was changed by hand (or by an older version that let user SQL write)
// can break them, and an ingest into it would merge the old rows into new traces: ingest checks
// first and refuses, and trace removal is the one supported way to take rows out.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from './schema.ts';

const LAST_ID_KEY = 'last_trace_id';

/** Tables other than the event tables whose rows carry a trace_id. */
const TRACE_TABLES = ['unparsed', 'lossy', 'dropped'] as const;

async function rows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await conn.runAndReadAll(sql)).getRowsJS();
}

async function registeredTables(conn: DuckDBConnection): Promise<string[]> {
  return (await rows(conn, 'SELECT name FROM qtw_event_tables ORDER BY name')).map((r) => String(r[0]));
}

async function existingTables(conn: DuckDBConnection): Promise<Set<string>> {
  const r = await rows(conn, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary`);
  return new Set(r.map((x) => String(x[0])));
}

/** The largest trace id anywhere in the workspace (an orphaned row's too), 0 when empty. */
async function maxTraceId(conn: DuckDBConnection): Promise<number> {
  const have = await existingTables(conn);
  const tables = ['traces', ...TRACE_TABLES, ...(await registeredTables(conn))].filter((t) => have.has(t));
  const r = await rows(conn, `SELECT coalesce(max(m), 0) FROM (${tables.map((t) => `SELECT max(trace_id) AS m FROM ${ident(t)}`).join(' UNION ALL ')})`);
  return Number(r[0][0]);
}

/**
 * The next trace id: past every id in use and every id ever committed (qtw_meta last_trace_id,
 * written in the trace's own transaction by recordTraceId), so that a removed trace's id is never
 * given again (clock overrides and report notes name traces by id), while an ingest that rolls
 * back (a duplicate, a failure) gives its id back.
 */
export async function nextTraceId(conn: DuckDBConnection): Promise<number> {
  const floor = await maxTraceId(conn);
  const r = await rows(conn, `SELECT try_cast(value AS INTEGER) FROM qtw_meta WHERE key = ${literal(LAST_ID_KEY)}`);
  const last = r.length > 0 && r[0][0] !== null ? Number(r[0][0]) : 0;
  return Math.max(floor, last) + 1;
}

/** Inside the transaction that commits trace `id`. */
export async function recordTraceId(conn: DuckDBConnection, id: number): Promise<void> {
  await conn.run(`INSERT OR REPLACE INTO qtw_meta VALUES (${literal(LAST_ID_KEY)}, ${literal(String(id))})`);
}

/**
 * What is wrong with the workspace's tables, one line per finding (empty when consistent): event
 * tables that are registered but gone, rows of traces that are not in `traces`, and traces whose
 * stored counts no longer match their rows.
 */
export async function inconsistencies(conn: DuckDBConnection): Promise<string[]> {
  const out: string[] = [];
  const have = await existingTables(conn);
  const registered = await registeredTables(conn);
  const missing = registered.filter((t) => !have.has(t));
  if (missing.length > 0) out.push(`event table${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''} missing`);
  const events = registered.filter((t) => have.has(t));
  const typed = events.map((t) => `SELECT trace_id, count(*) AS n FROM ${ident(t)} GROUP BY trace_id`);
  const counts = `
    WITH e AS (SELECT trace_id, sum(n) AS n FROM (${typed.length ? typed.join(' UNION ALL ') : 'SELECT NULL::INTEGER AS trace_id, 0 AS n WHERE false'}) GROUP BY trace_id),
         u AS (SELECT trace_id, count(*) AS n FROM unparsed GROUP BY trace_id),
         d AS (SELECT trace_id, sum(count) AS n, count(*) AS r FROM dropped GROUP BY trace_id),
         l AS (SELECT DISTINCT trace_id FROM lossy),
         ids AS (SELECT trace_id FROM e UNION SELECT trace_id FROM u UNION SELECT trace_id FROM d UNION SELECT trace_id FROM l)
    SELECT
      (SELECT list(trace_id ORDER BY trace_id) FROM ids WHERE trace_id IS NULL OR trace_id NOT IN (SELECT trace_id FROM traces)) AS orphans,
      (SELECT list(t.trace_id ORDER BY t.trace_id) FROM traces t
         LEFT JOIN e ON e.trace_id = t.trace_id LEFT JOIN u ON u.trace_id = t.trace_id LEFT JOIN d ON d.trace_id = t.trace_id
        WHERE coalesce(e.n, 0) <> coalesce(t.events, 0) OR coalesce(u.n, 0) <> coalesce(t.unparsed, 0)
           OR coalesce(d.r, 0) <> coalesce(t.dropped_records, 0)) AS changed`;
  const [orphans, changed] = (await rows(conn, counts))[0] as [unknown[] | null, unknown[] | null];
  const list = (ids: unknown[]) => `${ids.slice(0, 10).map((v) => (v === null ? 'NULL' : String(v))).join(', ')}${ids.length > 10 ? ', ...' : ''}`;
  if (orphans && orphans.length > 0) out.push(`rows of trace id${orphans.length > 1 ? 's' : ''} ${list(orphans)} that ${orphans.length > 1 ? 'are' : 'is'} not in traces`);
  if (changed && changed.length > 0) out.push(`trace${changed.length > 1 ? 's' : ''} ${list(changed)} no longer ${changed.length > 1 ? 'have' : 'has'} the rows ingest stored`);
  return out;
}

/**
 * Inside the caller's transaction: delete the rows of traces `ids` (all of them there) from every
 * event table and from unparsed, lossy and dropped. Event tables left empty are dropped, so that
 * the catalogue browser and the events view only list events that occur; unregistering them is
 * the caller's (see unregisterEventTables), as are `traces` and clock_alignment. `kept`: event
 * tables that lost rows and still hold other traces' rows (DuckDB cannot ALTER such a table in
 * the same transaction).
 */
export async function deleteTraceRows(conn: DuckDBConnection, ids: readonly number[]): Promise<{ kept: string[]; droppedTables: string[] }> {
  const kept: string[] = [];
  const droppedTables: string[] = [];
  if (ids.length === 0) return { kept, droppedTables };
  const where = `trace_id IN (${ids.join(', ')})`;
  const have = await existingTables(conn);
  for (const t of await registeredTables(conn)) {
    if (!have.has(t)) continue;
    const gone = await rows(conn, `DELETE FROM ${ident(t)} WHERE ${where}`);
    const left = await rows(conn, `SELECT count(*) FROM ${ident(t)}`);
    if (Number(left[0][0]) === 0) {
      await conn.run(`DROP TABLE ${ident(t)} CASCADE`);
      droppedTables.push(t);
    } else if (Number(gone[0][0]) > 0) kept.push(t);
  }
  for (const t of TRACE_TABLES) await conn.run(`DELETE FROM ${ident(t)} WHERE ${where}`);
  return { kept, droppedTables };
}

/**
 * Unregister event tables dropped in this transaction. Done once the transaction knows which it
 * makes again: a name deleted from qtw_event_tables and inserted again in one transaction makes
 * DuckDB (1.5) abort the process if that transaction's commit then fails and is reverted.
 */
export async function unregisterEventTables(conn: DuckDBConnection, names: readonly string[]): Promise<void> {
  if (names.length > 0) await conn.run(`DELETE FROM qtw_event_tables WHERE name IN (${names.map(literal).join(', ')})`);
}

/**
 * Remove traces and every row that belongs to them, in one transaction (see deleteTraceRows).
 * Returns the ids that existed.
 */
export async function removeTraces(conn: DuckDBConnection, ids: readonly number[]): Promise<{ removed: number[]; droppedTables: string[] }> {
  const wanted = [...new Set(ids.filter((i) => Number.isSafeInteger(i)))];
  if (wanted.length === 0) return { removed: [], droppedTables: [] };
  const inList = wanted.join(', ');
  const removed = (await rows(conn, `SELECT trace_id FROM traces WHERE trace_id IN (${inList}) ORDER BY trace_id`)).map((r) => Number(r[0]));
  if (removed.length === 0) return { removed, droppedTables: [] };
  const where = `trace_id IN (${removed.join(', ')})`;
  const have = await existingTables(conn);
  await conn.run('BEGIN TRANSACTION');
  try {
    const { droppedTables } = await deleteTraceRows(conn, removed);
    await unregisterEventTables(conn, droppedTables);
    if (have.has('clock_alignment')) {
      await conn.run(`DELETE FROM clock_alignment WHERE ${where}`);
      // A destination aligned to a removed source has no source any more: its estimate goes
      // (a user's override stays, it is theirs).
      await conn.run(`UPDATE clock_alignment SET src_trace_id = NULL, estimate_ns = NULL WHERE src_trace_id IN (${removed.join(', ')})`);
    }
    await conn.run(`DELETE FROM traces WHERE ${where}`);
    await conn.run('COMMIT');
    return { removed, droppedTables };
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => {});
    throw e;
  }
}
