// Creates (or refreshes) the analysis views of a workspace. Views are rebuilt from their
// templates after every ingest, because the set of event tables they may name changes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ANALYSES, type AnalysisInfo } from './catalog.ts';
import { renderTemplate, type TableColumns } from './template.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The sql/ folder in the source tree, or beside a bundled engine (dist/electron → ../../src-main). */
function sqlDir(): string {
  const candidates = [path.join(HERE, 'sql'), path.resolve(HERE, '../../src-main/analyses/sql'), path.resolve(HERE, '../../resources/analyses')];
  return candidates.find((d) => existsSync(path.join(d, ANALYSES[0].sqlFile))) ?? candidates[0];
}

export function analysisTemplate(a: AnalysisInfo): string {
  return readFileSync(path.join(sqlDir(), a.sqlFile), 'utf8');
}

/** Event tables and their columns, as the templates see them. */
export async function readEventTables(conn: DuckDBConnection): Promise<TableColumns> {
  const r = await conn.runAndReadAll(
    `SELECT c.table_name, c.column_name FROM duckdb_columns() c
     JOIN qtw_event_tables t ON t.name = c.table_name
     WHERE c.schema_name = 'main' AND c.database_name = current_database()`,
  );
  const out = new Map<string, Set<string>>();
  for (const [table, column] of r.getRowsJS()) {
    const key = String(table).toLowerCase();
    let cols = out.get(key);
    if (!cols) out.set(key, (cols = new Set()));
    cols.add(String(column).toLowerCase());
  }
  return out;
}

/** Each analysis's SQL for this workspace: runnable as is, comments kept. */
export async function renderAnalyses(conn: DuckDBConnection): Promise<{ info: AnalysisInfo; sql: string }[]> {
  const tables = await readEventTables(conn);
  return ANALYSES.map((info) => ({ info, sql: renderTemplate(analysisTemplate(info), tables, info.sqlFile) }));
}

const CREATED = /\bCREATE OR REPLACE (VIEW|MACRO) ([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Run `task` with every analysis view and macro replaced, on this connection only, by TEMP ones
 * over just `traceIds` (they shadow the workspace's own; dropped afterwards). A page about one run
 * of a hundred then computes one run: the views' window functions and joins over all traces are
 * not pushed down by DuckDB. The caller must not run anything else on `conn` meanwhile.
 */
export async function withScopedAnalyses<T>(conn: DuckDBConnection, traceIds: readonly number[], task: () => Promise<T>): Promise<T> {
  const tables = await readEventTables(conn);
  const created: { kind: string; name: string }[] = [];
  try {
    for (const info of ANALYSES) {
      const sql = renderTemplate(analysisTemplate(info), tables, info.sqlFile, traceIds).replace(CREATED, (_m, kind: string, name: string) => {
        created.push({ kind, name });
        return `CREATE OR REPLACE TEMP ${kind} ${name}`;
      });
      await conn.run(sql);
    }
    return await task();
  } finally {
    for (const c of created.reverse()) await conn.run(`DROP ${c.kind} IF EXISTS temp.main.${c.name}`).catch(() => undefined);
  }
}

/**
 * What an analysis object's comment says: the hash of the SQL it was created from, and of what
 * its columns were bound to when it was (every table's columns, DuckDB's version): a schema
 * migration or another DuckDB makes every view again.
 */
function stamp(sql: string, bound: string): string {
  return `qtw analysis ${createHash('sha256').update(bound).update('\0').update(sql).digest('hex').slice(0, 16)}`;
}

async function boundTo(conn: DuckDBConnection): Promise<string> {
  const r = await conn.runAndReadAll(
    `SELECT version(), table_name, column_name, data_type FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main'
       AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main')
     ORDER BY table_name, column_index`,
  );
  return JSON.stringify(r.getRowsJS());
}

/**
 * The comment of each view of this workspace, by name. Macros are not read (duckdb_functions()
 * lists every built-in function: ~40 ms): each analysis that makes one also makes views, and
 * its macros are made again with them.
 */
async function stamps(conn: DuckDBConnection): Promise<Map<string, string | null>> {
  const r = await conn.runAndReadAll(`SELECT view_name, comment FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal`);
  return new Map(r.getRowsJS().map(([name, comment]) => [String(name).toLowerCase(), comment === null ? null : String(comment)]));
}

/**
 * Create or replace every analysis view (and macro) in the workspace. An analysis whose SQL,
 * rendered for the event tables now present, is the one its objects were made from (their
 * comment) is left as it is: opening a workspace, or ingesting a trace of the same events as
 * the others, re-creates nothing. From the first one that changed on, every later one is made
 * again, since they read the earlier ones (creation order) and DuckDB binds a view's columns
 * when it is created.
 */
export async function installAnalyses(conn: DuckDBConnection): Promise<void> {
  const rendered = await renderAnalyses(conn);
  const have = await stamps(conn);
  const bound = await boundTo(conn);
  let redo = false;
  for (const { info, sql } of rendered) {
    const mark = stamp(sql, bound);
    const objects = [...sql.matchAll(CREATED)].map((m) => ({ kind: m[1], name: m[2], table: new RegExp(`\\bMACRO ${m[2]}\\s*\\([^)]*\\)\\s+AS TABLE\\b`).test(sql) }));
    redo ||= objects.some((o) => o.kind === 'VIEW' && have.get(o.name.toLowerCase()) !== mark);
    if (!redo) continue;
    try {
      await conn.run(sql);
      for (const o of objects) await conn.run(`COMMENT ON ${o.kind === 'VIEW' ? 'VIEW' : o.table ? 'MACRO TABLE' : 'MACRO'} ${o.name} IS '${mark}'`);
    } catch (e) {
      throw new Error(`analysis ${info.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
