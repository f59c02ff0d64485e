// The data of one report item as CSV, Parquet and JSON (every row, not only those shown).
// Unredacted, DuckDB writes the result table directly (through a scratch instance in a locked-down
// session, where the query instance may not touch files). Redacted, rows pass through the
// Redactor into NDJSON that a scratch instance reads back with the result's types and writes out.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { DuckDBInstance, JSDuckDBValueConverter, type DuckDBConnection } from '@duckdb/node-api';
import type { ExportFormat } from '../contract.ts';
import { copyExport, relayExport } from '../results/export-result.ts';
import { toCell, toJsonValue, type CellValue, type ResultHandle } from '../workspace/query.ts';
import { ident, literal } from '../workspace/schema.ts';
import type { Redactor } from './redact.ts';

export const DATA_FORMATS: readonly ExportFormat[] = ['csv', 'parquet', 'json'];

export interface RedactColumns {
  /** Per result column (by position): its values are pointers (report/result-pointers.ts). */
  readonly pointers: readonly boolean[];
}

function isNested(type: string): boolean {
  return /[[\]()]|^STRUCT|^MAP|^UNION|^LIST/.test(type);
}

function isInteger(type: string): boolean {
  return /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$/.test(type);
}

/** A cell as it appears in a redacted export; sensitive columns become text. */
export function redactCell(v: CellValue, type: string, name: string, pointer: boolean, r: Redactor): CellValue {
  if (v === null) return null;
  if (pointer && isInteger(type) && (typeof v === 'bigint' || typeof v === 'number')) return r.pointer(v);
  // A pointer column widened to text (two QEMU versions typed it differently) holds numbers as text.
  if (pointer && typeof v === 'string' && /^\s*(0[xX][0-9A-Fa-f]+|\d+)\s*$/.test(v)) return r.pointer(BigInt(v.trim()));
  if (/^(host|hostname)$/i.test(name) && typeof v === 'string') {
    r.addHost(v);
    return r.text(v);
  }
  if (typeof v === 'string') return r.text(v);
  if (typeof v === 'object') return r.text(JSON.stringify(toJsonValue(v)));
  return v;
}

export function redactedType(type: string, pointer: boolean): string {
  if (pointer && isInteger(type)) return 'VARCHAR';
  if (isNested(type)) return 'VARCHAR';
  return type;
}

const COPY: Record<ExportFormat, string> = {
  csv: '(FORMAT csv, HEADER true)',
  parquet: '(FORMAT parquet)',
  json: '(FORMAT json, ARRAY true)',
};

export async function writeDataFiles(
  conn: DuckDBConnection,
  h: ResultHandle,
  base: string,
  opts: { lockedDown: boolean; redactor: Redactor | null; redactColumns: RedactColumns },
): Promise<string[]> {
  const files = DATA_FORMATS.map((f) => `${base}.${f}`);
  if (opts.redactor === null) {
    for (const [i, f] of DATA_FORMATS.entries()) {
      if (h.table !== null && !opts.lockedDown) await copyExport(conn, h.table, f, files[i]);
      else await relayExport(conn, h, f, files[i]);
    }
    return files;
  }
  await writeRedacted(conn, h, files, opts.redactor, opts.redactColumns);
  return files;
}

async function writeRedacted(conn: DuckDBConnection, h: ResultHandle, files: string[], r: Redactor, cols: RedactColumns): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qtw-report-'));
  const ndjson = path.join(dir, 'rows.ndjson');
  try {
    const out = createWriteStream(ndjson);
    const names = h.columns.map((c) => c.name);
    const write = async (row: CellValue[]) => {
      const o: Record<string, unknown> = {};
      row.forEach((v, i) => {
        const c = h.columns[i];
        o[names[i]] = toJsonValue(redactCell(v, c.type, c.name, cols.pointers[i] === true, r));
      });
      if (!out.write(JSON.stringify(o) + '\n')) await once(out, 'drain');
    };
    if (h.table !== null) {
      const res = await conn.stream(`SELECT * FROM ${ident(h.table)}`);
      for (;;) {
        const chunk = await res.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of chunk.convertRows(JSDuckDBValueConverter)) await write(row.map(toCell));
      }
    } else {
      for (const row of h.inline ?? []) await write(row.map((v) => (v === null ? null : typeof v === 'object' ? v : String(v))));
    }
    out.end();
    await once(out, 'finish');
    const side = await DuckDBInstance.create(path.join(dir, 'relay.duckdb'), { memory_limit: '256MB', threads: '1' });
    const c = await side.connect();
    try {
      const typed = h.table !== null;
      const spec = h.columns.map((k, i) => `${literal(k.name)}: ${literal(typed ? redactedType(k.type, cols.pointers[i] === true) : 'VARCHAR')}`).join(', ');
      const select = h.columns.length === 0 ? 'SELECT 1 WHERE false' : `SELECT * FROM read_json(${literal(ndjson)}, format = 'newline_delimited', columns = {${spec}})`;
      await c.run(`CREATE TABLE r AS ${select}`);
      for (const [i, f] of DATA_FORMATS.entries()) await c.run(`COPY r TO ${literal(files[i])} ${COPY[f]}`);
    } finally {
      c.closeSync();
      side.closeSync();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
