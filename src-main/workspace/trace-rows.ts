// A trace's row in `traces`, written as one typed object instead of a positional list of ~28
// columns (a column out of place would be a wrong value, not an error), and the one-line
// diagnostics read back from a trace's `unparsed` and `lossy` rows once it is written. Here
// rather than in ingest so that the table's columns are named in the layer that owns the schema.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ClockKind, PrefixStyle, TraceFormat } from '../formats/types.ts';
import type { SIDE_VALUES } from './column.ts';

/** What the content says about a trace: written when it is committed, and again when it is re-typed. */
export interface TraceDescription {
  /** Compressions the bytes were read through, outermost first, joined with `+` ('' for none). */
  readonly encodings: string;
  readonly format: TraceFormat;
  readonly prefixStyle: PrefixStyle | null;
  readonly side: (typeof SIDE_VALUES)[number] | null;
  /** Who set the side: the user (`option`) or the events in the trace (`content`). */
  readonly sideSource: 'option' | 'content' | null;
  readonly pid: number | null;
  readonly clock: ClockKind;
  readonly catalogueId: string;
  /** Records naming a catalogue event whose text did not fit its format. */
  readonly catalogueMisfits: number;
  readonly firstTsNs: bigint | null;
  readonly lastTsNs: bigint | null;
  readonly records: number;
  readonly events: number;
  readonly unparsed: number;
  readonly dropped: bigint;
  readonly droppedRecords: number;
  readonly truncatedAt: bigint | null;
  readonly error: string | null;
  readonly ingestMs: number;
  readonly pasteNormalized: string | null;
  readonly continuationLines: number;
  readonly catalogueVersion: string | null;
  readonly catalogueFit: number | null;
  /** The year assumed for the first record when its stamp carries none (syslog), else null. */
  readonly yearAssumed: number | null;
}

/** A new trace's row: its identity (written once, never changed by re-typing) and its description. */
export interface TraceRow extends TraceDescription {
  readonly traceId: number;
  readonly path: string;
  readonly member: string | null;
  /**
   * The name the user gave the file when it is stored under another (a browser upload: the
   * browser's file name, or its path relative to the folder picked); NULL when `path` is the
   * user's own file. For an archive it names the archive; `member` still names the member.
   */
  readonly originalName: string | null;
  readonly sha256: string;
  readonly bytes: number;
}

function describedColumns(d: TraceDescription): [string, DuckDBValue][] {
  return [
    ['encodings', d.encodings],
    ['format', d.format],
    ['prefix_style', d.prefixStyle],
    ['side', d.side],
    ['side_source', d.sideSource],
    ['pid', d.pid],
    ['clock', d.clock],
    ['catalogue_id', d.catalogueId],
    ['catalogue_misfits', d.catalogueMisfits],
    ['first_ts_ns', d.firstTsNs],
    ['last_ts_ns', d.lastTsNs],
    ['records', d.records],
    ['events', d.events],
    ['unparsed', d.unparsed],
    ['dropped', d.dropped],
    ['dropped_records', d.droppedRecords],
    ['truncated_at', d.truncatedAt],
    ['error', d.error],
    ['ingest_ms', d.ingestMs],
    ['paste_normalized', d.pasteNormalized],
    ['continuation_lines', d.continuationLines],
    ['catalogue_version', d.catalogueVersion],
    ['catalogue_fit', d.catalogueFit],
    ['year_assumed', d.yearAssumed],
  ];
}

/** Record a new trace; its clock offset starts at 0 (the user sets it later). */
export async function insertTraceRow(conn: DuckDBConnection, row: TraceRow): Promise<void> {
  const cols: [string, DuckDBValue][] = [
    ['trace_id', row.traceId],
    ['path', row.path],
    ['member', row.member],
    ['original_name', row.originalName],
    ['sha256', row.sha256],
    ['bytes', BigInt(row.bytes)],
    ...describedColumns(row),
  ];
  await conn.run(
    `INSERT INTO traces (${cols.map(([c]) => c).join(', ')}, clock_offset_ns, ingested_at) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}, 0, now())`,
    cols.map(([, v]) => v),
  );
}

/** Replace what a re-typed trace's row says about its content; identity and clock offset stay. */
export async function updateTraceRow(conn: DuckDBConnection, traceId: number, d: TraceDescription): Promise<void> {
  const cols = describedColumns(d);
  await conn.run(
    `UPDATE traces SET ${cols.map(([c], i) => `${c} = $${i + 1}`).join(', ')}, ingested_at = now() WHERE trace_id = $${cols.length + 1}`,
    [...cols.map(([, v]) => v), traceId],
  );
}

/** Unparsed records of a trace that name an event (in the catalogue, but not fitting its format). */
export async function catalogueMisfits(conn: DuckDBConnection, traceId: number): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT count(*) FROM unparsed WHERE trace_id = ${traceId} AND name IS NOT NULL`);
  return Number(r.getRows()[0][0]);
}

/**
 * One line per kind of untyped record (misfits of the catalogue, foreign lines), naming where
 * the first one is, so that the user sees at once what was not typed and where to look.
 */
export async function unparsedSummary(conn: DuckDBConnection, traceId: number, file: string): Promise<string[]> {
  const r = await conn.runAndReadAll(
    `SELECT name IS NULL AS foreign, count(*), arg_min(line_no, seq), arg_min("offset", seq), arg_min(reason, seq)
       FROM unparsed WHERE trace_id = ${traceId} GROUP BY 1 ORDER BY 1`,
  );
  return r.getRows().map(([foreign, n, line, offset, reason]) => {
    const where = line !== null ? `line ${line}` : `offset ${offset}`;
    const one = Number(n) === 1;
    const what = foreign ? (one ? 'record is not a QEMU trace event' : 'records are not QEMU trace events') : one ? 'record did not fit the catalogue' : 'records did not fit the catalogue';
    return `${file}: ${where}: ${n} ${what} (kept in unparsed; ${one ? 'it' : 'first'}: ${reason})`;
  });
}

/** A line about records whose text was not valid UTF-8, or null when there were none. */
export async function lossySummary(conn: DuckDBConnection, traceId: number, file: string): Promise<string | null> {
  const r = await conn.runAndReadAll(`SELECT count(DISTINCT seq), arg_min(line_no, seq), min(seq) FROM lossy WHERE trace_id = ${traceId}`);
  const [n, line, seq] = r.getRows()[0];
  if (Number(n) === 0) return null;
  const where = line !== null ? `line ${line}` : `record ${seq}`;
  const one = Number(n) === 1;
  return `${file}: ${where}: ${n} ${one ? 'record holds' : 'records hold'} text that is not valid UTF-8 (stored with U+FFFD in its place; the exact bytes are kept in lossy)`;
}
