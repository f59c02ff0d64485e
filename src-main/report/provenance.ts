// Provenance: what a reader needs to reproduce every number of a report — the tool version,
// each input (path, size, sha256), the catalogue and QEMU version, clock offsets, the SQL.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DocItem, Provenance } from './doc.ts';
import type { Redactor } from './redact.ts';

async function tableExists(conn: DuckDBConnection, name: string): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = '${name}' AND schema_name = 'main'`);
  return Number(r.getRowsJS()[0][0]) > 0;
}

function shown(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  return String(v);
}

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** "qemu-7.2.22-debian/trace-events-all" → "7.2.22". */
export function qemuVersionOf(...names: readonly string[]): string | null {
  for (const n of names) {
    const m = /qemu[-_ ]?v?(\d+\.\d+(?:\.\d+)?)/i.exec(n) ?? /(?:^|[^\d.])(\d+\.\d+\.\d+)(?:[^\d.]|$)/.exec(n);
    if (m) return m[1];
  }
  return null;
}

/**
 * An input as the reader knows it: the name the user gave the file (an upload is stored under
 * another), then where it was read from when that differs; `:member` for an archive member.
 */
export function inputName(path: string, member: string | null, originalName: string | null): string {
  const at = (f: string) => (member === null ? f : `${f}:${member}`);
  return originalName === null || originalName === path ? at(path) : `${at(originalName)} (stored as ${path})`;
}

export async function readProvenance(
  conn: DuckDBConnection,
  version: string,
  items: readonly DocItem[],
  redactor: Redactor | null,
): Promise<Provenance> {
  const red = (s: string) => (redactor ? redactor.text(s) : s);
  const traces = (
    await conn.runAndReadAll(
      `SELECT trace_id, path, member, side, format, CAST(bytes AS VARCHAR), sha256, catalogue_id, CAST(clock_offset_ns AS VARCHAR), original_name FROM traces ORDER BY trace_id`,
    )
  ).getRowsJS();
  const inputs = traces.map((t) => ({
    traceId: Number(t[0]),
    path: red(inputName(String(t[1]), str(t[2]), str(t[9]))),
    side: str(t[3]),
    format: str(t[4]),
    bytes: str(t[5]) ?? '',
    sha256: str(t[6]) ?? '',
    catalogueId: t[7] === null ? null : red(String(t[7])),
    clockOffsetNs: str(t[8]),
  }));
  const used = new Set(traces.map((t) => str(t[7])).filter((x): x is string => x !== null));
  const cats = (await conn.runAndReadAll(`SELECT catalogue_id, name, source, sha256 FROM catalogues ORDER BY catalogue_id`)).getRowsJS();
  const catalogues = cats
    .filter((c) => used.size === 0 || used.has(String(c[0])))
    .map((c) => ({
      id: red(String(c[0])),
      name: red(String(c[1] ?? '')),
      source: red(String(c[2] ?? '')),
      sha256: String(c[3] ?? ''),
      qemuVersion: qemuVersionOf(String(c[1] ?? ''), String(c[2] ?? ''), String(c[0])),
    }));
  const clockOffsets: string[] = [];
  if (await tableExists(conn, 'clock_alignment')) {
    const r = await conn.runAndReadAll('SELECT * FROM clock_alignment');
    const names = r.columnNames();
    for (const row of r.getRowsJS()) clockOffsets.push(red(names.map((n, i) => `${n}=${shown(row[i])}`).join(', ')));
  }
  for (const t of inputs) if (t.clockOffsetNs !== null) clockOffsets.push(`trace ${t.traceId} (${t.side ?? 'unknown side'}): clock_offset_ns=${t.clockOffsetNs}`);
  const sql = items.flatMap((it) => (it.kind === 'data' ? [{ index: it.index, title: it.title, sql: it.sql }] : []));
  return { toolVersion: version, inputs, catalogues, clockOffsets, sql };
}
