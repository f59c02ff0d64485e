// TraceInfo rows from the `traces` table.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SideName, TraceInfo } from '../contract.ts';

function side(v: unknown): SideName | null {
  return v === 'src' || v === 'dst' ? v : null;
}

export async function readTraces(conn: DuckDBConnection): Promise<TraceInfo[]> {
  const r = await conn.runAndReadAll(
    `SELECT trace_id, path, member, format, prefix_style, side, clock, catalogue_id, bytes, sha256, first_ts_ns, last_ts_ns,
            records, events, unparsed, dropped, error, catalogue_misfits, continuation_lines, catalogue_version, catalogue_fit, paste_normalized, year_assumed,
            run_id, original_name, alternate_of
       FROM traces ORDER BY trace_id`,
  );
  return r.getRowsJS().map((row) => {
    const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
    return {
      traceId: Number(row[0]),
      path: String(row[1]),
      member: s(row[2]),
      format: String(row[3]),
      prefixStyle: s(row[4]),
      side: side(row[5]),
      clock: String(row[6]),
      catalogueId: String(row[7]),
      bytes: String(row[8]),
      sha256: String(row[9]),
      firstTsNs: s(row[10]),
      lastTsNs: s(row[11]),
      records: Number(row[12]),
      events: Number(row[13]),
      unparsed: Number(row[14]),
      dropped: Number(row[15]),
      error: s(row[16]),
      catalogueMisfits: Number(row[17] ?? 0),
      continuationLines: Number(row[18] ?? 0),
      catalogueVersion: s(row[19]),
      catalogueFit: row[20] === null || row[20] === undefined ? null : Number(row[20]),
      pasteNormalized: s(row[21]),
      yearAssumed: row[22] === null || row[22] === undefined ? null : Number(row[22]),
      runId: row[23] === null || row[23] === undefined ? null : Number(row[23]),
      originalName: s(row[24]),
      alternateOf: row[25] === null || row[25] === undefined ? null : Number(row[25]),
    };
  });
}
