// schema(): what the editor needs for completion and hover — tables and views with typed
// columns, event tables with their catalogue entry, DuckDB's functions and keywords.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SchemaColumn, SchemaInfo, SchemaTable } from '../contract.ts';
import { eventDocs } from './event-docs.ts';

/** Bookkeeping tables of the workspace that users never query. */
const HIDDEN = new Set(['qtw_meta', 'qtw_event_tables', 'inputs']);

export async function readSchema(conn: DuckDBConnection): Promise<SchemaInfo> {
  const eventNames = new Set(
    (await conn.runAndReadAll('SELECT name FROM qtw_event_tables')).getRows().map((r) => String(r[0])),
  );
  const docs = await eventDocs(conn);
  const rels = await conn.runAndReadAll(`
    SELECT table_name, 'table' AS k, estimated_size FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal
    UNION ALL
    SELECT view_name, 'view', NULL FROM duckdb_views() WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal
    ORDER BY 1`);
  const cols = await conn.runAndReadAll(`
    SELECT table_name, column_name, data_type FROM duckdb_columns()
     WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal
     ORDER BY table_name, column_index`);
  const byTable = new Map<string, { name: string; type: string }[]>();
  for (const [t, c, ty] of cols.getRows()) {
    const list = byTable.get(String(t)) ?? [];
    list.push({ name: String(c), type: String(ty) });
    byTable.set(String(t), list);
  }
  const tables: SchemaTable[] = [];
  for (const [nameV, kindV, sizeV] of rels.getRows()) {
    const name = String(nameV);
    if (HIDDEN.has(name)) continue;
    const isEvent = kindV === 'table' && eventNames.has(name);
    const doc = isEvent ? (docs.get(name) ?? null) : null;
    const columns: SchemaColumn[] = (byTable.get(name) ?? []).map((c) => ({
      name: c.name,
      type: c.type,
      ctype: doc?.ctypes.get(c.name) ?? null,
    }));
    tables.push({
      name,
      kind: isEvent ? 'event' : kindV === 'view' ? 'view' : 'table',
      columns,
      rows: sizeV === null ? null : Number(sizeV),
      doc: doc?.doc ?? null,
    });
  }
  const fns = await conn.runAndReadAll(
    `SELECT DISTINCT function_name FROM duckdb_functions() WHERE NOT starts_with(function_name, '__') ORDER BY 1`,
  );
  const kws = await conn.runAndReadAll(`SELECT keyword_name FROM duckdb_keywords() ORDER BY 1`);
  return {
    tables,
    functions: fns.getRows().map((r) => String(r[0])),
    keywords: kws.getRows().map((r) => String(r[0])),
  };
}
