// The workspace schema of ARCHITECTURE.md, and the naming rules that turn catalogue events into
// per-event tables. Column names are the catalogue's argument names; where one collides with a
// fixed column (an argument called `pid`, say) or repeats, it gets a suffix, and
// catalogue_events.columns records the names actually used.
import type { ArgSpec, DuckType, EventSpec } from '../catalogue/types.ts';
import { SIDE_SQL_TYPE } from './column.ts';

/**
 * The version of the tables below. Bump it with every change a workspace file must follow, and
 * add the step from the previous version to MIGRATIONS (schema-version.ts runs them on open).
 */
export const SCHEMA_VERSION = 4;

/** One step of MIGRATIONS: columns it adds (ADD COLUMN IF NOT EXISTS), per table. */
export interface Migration {
  /** The version the workspace has after this step. */
  readonly to: number;
  readonly addColumns: Readonly<Record<string, readonly (readonly [name: string, type: string])[]>>;
  /**
   * false when a read-only open cannot present the step's result as TEMP views (a step that
   * changes more than adding columns): such a workspace must be opened writable once.
   */
  readonly bridgeable?: boolean;
}

/** The steps from version 1 on, in order. A new workspace is created at SCHEMA_VERSION directly. */
export const MIGRATIONS: readonly Migration[] = [
  {
    // Trace details added while version 1 was current: pasted-text normalisation, text
    // continuation lines, the catalogue's QEMU version and how well it fit.
    to: 2,
    addColumns: {
      traces: [
        ['paste_normalized', 'VARCHAR'],
        ['continuation_lines', 'BIGINT'],
        ['catalogue_version', 'VARCHAR'],
        ['catalogue_fit', 'DOUBLE'],
      ],
    },
  },
  {
    // The year assumed for a syslog trace whose stamps carry none (no header told it).
    to: 3,
    addColumns: { traces: [['year_assumed', 'INTEGER']] },
  },
  {
    // Runs (one migration each, analyses/runs/): the run a trace belongs to, the name the user
    // gave its file (an upload is stored under another), the trace it duplicates (the same
    // QEMU traced by a second backend), and the command (or job) that ingested it. The runs table itself is made by CREATE_SCHEMA and
    // filled by the next refresh; a read-only open has nobody to fill it, hence not bridgeable.
    to: 4,
    addColumns: {
      traces: [
        ['run_id', 'INTEGER'],
        ['original_name', 'VARCHAR'],
        ['alternate_of', 'INTEGER'],
        ['ingest_batch', 'INTEGER'],
      ],
    },
    bridgeable: false,
  },
];

/** Columns every event table starts with, in order. */
export const FIXED_EVENT_COLUMNS = [
  ['trace_id', 'INTEGER'],
  ['side', SIDE_SQL_TYPE],
  ['seq', 'BIGINT'],
  ['ts_ns', 'BIGINT'],
  ['tid', 'INTEGER'],
  ['pid', 'INTEGER'],
] as const;

/** The tables at SCHEMA_VERSION; IF NOT EXISTS, so an older workspace keeps its own (then migrated). */
export const CREATE_SCHEMA = `
CREATE TABLE IF NOT EXISTS qtw_meta(key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS catalogues(
  catalogue_id VARCHAR PRIMARY KEY, name VARCHAR, source VARCHAR, sha256 VARCHAR, events INTEGER);
CREATE TABLE IF NOT EXISTS catalogue_events(
  catalogue_id VARCHAR, name VARCHAR, source_file VARCHAR, properties VARCHAR[], args VARCHAR,
  arg_names VARCHAR[], arg_types VARCHAR[], columns VARCHAR[], column_types VARCHAR[],
  format VARCHAR, raw_format VARCHAR, position INTEGER, line INTEGER, disabled BOOLEAN,
  ambiguous BOOLEAN, ambiguity VARCHAR);
CREATE TABLE IF NOT EXISTS traces(
  trace_id INTEGER PRIMARY KEY, path VARCHAR, member VARCHAR, encodings VARCHAR, format VARCHAR,
  prefix_style VARCHAR, side VARCHAR, side_source VARCHAR, pid INTEGER, clock VARCHAR,
  clock_offset_ns BIGINT, catalogue_id VARCHAR, catalogue_misfits BIGINT, bytes UBIGINT,
  sha256 VARCHAR, first_ts_ns BIGINT, last_ts_ns BIGINT, records BIGINT, events BIGINT,
  unparsed BIGINT, dropped BIGINT, dropped_records BIGINT, truncated_at UBIGINT, error VARCHAR,
  ingested_at TIMESTAMP, ingest_ms DOUBLE, paste_normalized VARCHAR, continuation_lines BIGINT,
  catalogue_version VARCHAR, catalogue_fit DOUBLE, year_assumed INTEGER, run_id INTEGER,
  original_name VARCHAR, alternate_of INTEGER, ingest_batch INTEGER);
CREATE TABLE IF NOT EXISTS runs(
  run_id INTEGER, label VARCHAR, label_source VARCHAR, src_trace_id INTEGER,
  dst_trace_id INTEGER, qemu_version VARCHAR, start_ts_ns BIGINT, paired_by VARCHAR);
CREATE TABLE IF NOT EXISTS qtw_event_tables(name VARCHAR PRIMARY KEY);
CREATE TABLE IF NOT EXISTS unparsed(
  trace_id INTEGER, seq BIGINT, line_no BIGINT, "offset" UBIGINT, ts_ns BIGINT, tid INTEGER,
  pid INTEGER, name VARCHAR, reason VARCHAR, raw VARCHAR);
CREATE TABLE IF NOT EXISTS lossy(
  trace_id INTEGER, seq BIGINT, line_no BIGINT, name VARCHAR, arg VARCHAR, raw VARCHAR);
CREATE TABLE IF NOT EXISTS dropped(
  trace_id INTEGER, seq BIGINT, ts_ns BIGINT, pid INTEGER, count UBIGINT);
CREATE TABLE IF NOT EXISTS inputs(sha256 VARCHAR PRIMARY KEY, path VARCHAR, bytes UBIGINT, traces INTEGER);
`;

/** Quote an SQL identifier for DuckDB. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote an SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export interface EventColumn {
  readonly name: string;
  readonly type: DuckType;
  readonly arg: ArgSpec;
}

const RESERVED = new Set(FIXED_EVENT_COLUMNS.map(([n]) => n));

/** Argument columns of an event's table, with collisions resolved deterministically. */
export function eventColumns(event: EventSpec): EventColumn[] {
  const used = new Set<string>(RESERVED);
  return event.args.map((arg) => {
    let name = arg.name;
    if (used.has(name.toLowerCase())) {
      name = `${arg.name}_arg`;
      for (let i = 2; used.has(name.toLowerCase()); i++) name = `${arg.name}_arg${i}`;
    }
    used.add(name.toLowerCase());
    return { name, type: arg.duckType, arg };
  });
}

const INT_RANK: Partial<Record<DuckType, { signed: boolean; bits: number }>> = {
  TINYINT: { signed: true, bits: 8 },
  SMALLINT: { signed: true, bits: 16 },
  INTEGER: { signed: true, bits: 32 },
  BIGINT: { signed: true, bits: 64 },
  UTINYINT: { signed: false, bits: 8 },
  USMALLINT: { signed: false, bits: 16 },
  UINTEGER: { signed: false, bits: 32 },
  UBIGINT: { signed: false, bits: 64 },
};

/**
 * The type a column must have to hold both an existing column's values and a new trace's
 * (the same event with a different signature in another QEMU version).
 */
export function widenType(a: string, b: string): string {
  if (a === b) return a;
  const ra = INT_RANK[a as DuckType];
  const rb = INT_RANK[b as DuckType];
  if (ra && rb) {
    if (ra.signed === rb.signed) return ra.bits >= rb.bits ? a : b;
    const s = ra.signed ? ra : rb;
    const u = ra.signed ? rb : ra;
    if (s.bits > u.bits) return ra.signed ? a : b;
    const need = u.bits * 2;
    // 64-bit signed vs unsigned has no lossless integer type we append to: keep the text.
    return need <= 16 ? 'SMALLINT' : need <= 32 ? 'INTEGER' : need <= 64 ? 'BIGINT' : 'VARCHAR';
  }
  if ((a === 'BOOLEAN' && rb) || (b === 'BOOLEAN' && ra)) return a === 'BOOLEAN' ? b : a;
  return 'VARCHAR';
}

const EMPTY_EVENTS = () => `SELECT NULL::INTEGER AS trace_id, NULL::${SIDE_SQL_TYPE} AS side, NULL::BIGINT AS seq, NULL::BIGINT AS ts_ns,
  NULL::INTEGER AS tid, NULL::INTEGER AS pid, NULL::VARCHAR AS name, NULL::BIGINT AS ts_aligned_ns WHERE false`;

// Per-trace clock offsets as a list indexed by trace_id, computed once per query: unlike a join
// with traces, an unused ts_aligned_ns column is pruned, so count(*) and GROUP BY name over
// `events` cost what they did before alignment existed.
const OFFSETS_BY_TRACE = `(SELECT list(t.clock_offset_ns ORDER BY g.i) FROM range(1, (SELECT coalesce(max(trace_id), 0) + 1 FROM traces)) g(i) LEFT JOIN traces t ON t.trace_id = g.i)`;

/**
 * `events` is a view over every event table's fixed columns: one row per typed record of every
 * trace, without storing each record twice, plus ts_aligned_ns.
 */
export function eventsViewSql(tables: readonly string[]): string {
  const parts = tables.map((t) => `SELECT trace_id, side, seq, ts_ns, tid, pid, ${literal(t)} AS name FROM ${ident(t)}`);
  if (!parts.length) return `CREATE OR REPLACE VIEW events AS ${EMPTY_EVENTS()}`;
  // ts_aligned_ns: the record's time on its source's clock (traces.clock_offset_ns, analyses/clock-alignment.ts).
  return `CREATE OR REPLACE VIEW events AS SELECT e.*, e.ts_ns + coalesce(${OFFSETS_BY_TRACE}[e.trace_id], 0) AS ts_aligned_ns FROM (${parts.join('\nUNION ALL ')}) e`;
}
