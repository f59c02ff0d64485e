// exportResult: a result handle written to CSV, Parquet or JSON. Normally DuckDB's COPY writes
// the result table directly. In a locked-down session DuckDB refuses all file access for the
// whole instance (enable_external_access=false cannot be lifted per statement), so rows are
// relayed chunk by chunk into a private scratch DuckDB instance that writes the file instead.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ExportFormat } from '../contract.ts';
import { cellText, type ResultHandle } from '../workspace/query.ts';
import { ident, literal } from '../workspace/schema.ts';

function copyOptions(format: ExportFormat): string {
  switch (format) {
    case 'csv':
      return '(FORMAT csv, HEADER true)';
    case 'parquet':
      return '(FORMAT parquet)';
    case 'json':
      return '(FORMAT json, ARRAY true)';
  }
}

/** COPY on the connection that owns the result's temp table. */
export async function copyExport(conn: DuckDBConnection, table: string, format: ExportFormat, file: string): Promise<void> {
  await conn.run(`COPY (SELECT * FROM ${ident(table)}) TO ${literal(file)} ${copyOptions(format)}`);
}

/** Write through a scratch instance that may touch files, fed from the locked connection. */
export async function relayExport(conn: DuckDBConnection, h: ResultHandle, format: ExportFormat, file: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qtw-export-'));
  const side = await DuckDBInstance.create(path.join(dir, 'relay.duckdb'), { memory_limit: '256MB', threads: '1' });
  const out = await side.connect();
  try {
    const typed = h.table !== null;
    const cols = h.columns.map((c) => `${ident(c.name)} ${typed ? c.type : 'VARCHAR'}`).join(', ');
    await out.run(`CREATE TABLE r (${cols})`);
    const app = await out.createAppender('r');
    if (h.table !== null) {
      const res = await conn.stream(`SELECT * FROM ${ident(h.table)}`);
      for (;;) {
        const chunk = await res.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        app.appendDataChunk(chunk);
      }
    } else {
      // Inline results (PRAGMA, SHOW ...) are small and already converted: their text is exported.
      for (const row of h.inline ?? []) {
        for (const v of row) {
          if (v === null) app.appendNull();
          else app.appendVarchar(cellText(v));
        }
        app.endRow();
      }
    }
    app.flushSync();
    app.closeSync();
    await out.run(`COPY r TO ${literal(file)} ${copyOptions(format)}`);
  } finally {
    out.closeSync();
    side.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
