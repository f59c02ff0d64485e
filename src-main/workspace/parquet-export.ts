// The whole workspace as a Hive-partitioned Parquet dataset, for fleets of traces queried with
// DuckDB, Trino, Spark or ClickHouse:
//   DIR/events/event=<name>/trace_id=<id>/data_0.parquet   one folder per event table
//   DIR/unparsed/trace_id=<id>/..., DIR/dropped/trace_id=<id>/...
//   DIR/traces.parquet, DIR/catalogues.parquet, DIR/catalogue_events.parquet
//   DIR/runs.parquet          one row per run (migration): run_id, label, sides, QEMU version;
//                             traces.parquet's run_id joins a trace's rows to its run
//   DIR/<name>.parquet        queries the caller adds (the service adds fleet.parquet: the
//                             Fleet's row per run, so that many exports answer one fleet query)
// Partition columns are also written inside the files, so every file carries the table's own
// columns and types (the `side` ENUM becomes a Parquet string).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { makeOutputDirUndoable, withDiskFull } from './output-fs.ts';
import { ident, literal } from './schema.ts';

export interface ParquetExportSummary {
  readonly dir: string;
  readonly eventTables: number;
  readonly rows: number;
}

async function copyPartitioned(conn: DuckDBConnection, table: string, dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const r = await conn.runAndReadAll(
    `COPY (SELECT * FROM ${ident(table)} ORDER BY trace_id, seq) TO ${literal(dir)} ` +
      `(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (trace_id), WRITE_PARTITION_COLUMNS true, OVERWRITE_OR_IGNORE true)`,
  );
  return Number(r.getRows()[0]?.[0] ?? 0);
}

/** A query result written beside the tables as DIR/<name>.parquet (built by a layer above this one). */
export interface ParquetExtra {
  readonly name: string;
  readonly sql: string;
}

export async function exportWorkspaceParquet(
  conn: DuckDBConnection,
  dir: string,
  onTable: (name: string, rows: number) => void = () => undefined,
  extras: readonly ParquetExtra[] = [],
): Promise<ParquetExportSummary> {
  const out = path.resolve(dir);
  if (existsSync(out) && readdirSync(out).length > 0) throw new Error(`${out}: the export folder is not empty`);
  const target = makeOutputDirUndoable(out);
  try {
    return await writeDataset(conn, out, onTable, extras);
  } catch (e) {
    // Half a dataset is worse than none: a glob over many exports would read its partial files.
    target.undo();
    throw withDiskFull(e, out);
  }
}

async function writeDataset(
  conn: DuckDBConnection,
  out: string,
  onTable: (name: string, rows: number) => void,
  extras: readonly ParquetExtra[],
): Promise<ParquetExportSummary> {
  let rows = 0;
  const names = (await conn.runAndReadAll('SELECT name FROM qtw_event_tables ORDER BY name')).getRows().map((r) => String(r[0]));
  for (const name of names) {
    const n = await copyPartitioned(conn, name, path.join(out, 'events', `event=${name}`));
    rows += n;
    onTable(name, n);
  }
  for (const t of ['unparsed', 'dropped', 'lossy']) {
    const count = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${ident(t)}`)).getRows()[0][0]);
    if (count > 0) {
      rows += await copyPartitioned(conn, t, path.join(out, t));
      onTable(t, count);
    }
  }
  for (const t of ['traces', 'runs', 'catalogues', 'catalogue_events']) {
    await conn.run(`COPY ${ident(t)} TO ${literal(path.join(out, `${t}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`);
  }
  for (const x of extras) {
    if (!/^[a-z][a-z0-9_]*$/.test(x.name)) throw new Error(`not a Parquet export name: ${x.name}`);
    const r = await conn.runAndReadAll(`COPY (${x.sql}) TO ${literal(path.join(out, `${x.name}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`);
    onTable(x.name, Number(r.getRows()[0]?.[0] ?? 0));
  }
  return { dir: out, eventTables: names.length, rows };
}
