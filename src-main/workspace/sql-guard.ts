// What SQL a locked-down (browser) session may run beyond plain queries. DuckDB's own switches
// stop file access (enable_external_access) and writes (every user statement runs in a READ ONLY
// transaction, see query.ts), but not table and pragma functions that change the session:
// enable_logging(storage='file') breaks every later query, enable_profiling prints on the
// server's terminal, query()/json_execute_serialized_sql run SQL no check has seen, arrow_scan
// dereferences raw pointers. So those functions are allowed by name: everything DuckDB lists as
// a table or pragma function and not named here is refused, also in a later DuckDB that adds more.
import type { DuckDBConnection } from '@duckdb/node-api';

/** Table functions (and table macros) that only read: catalogue, settings, generators, JSON. */
const ALLOWED_TABLE_FUNCTIONS = new Set([
  'duckdb_approx_database_count',
  'duckdb_columns',
  'duckdb_connection_count',
  'duckdb_constraints',
  'duckdb_coordinate_systems',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_extensions',
  'duckdb_external_file_cache',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_log_contexts',
  'duckdb_logs',
  'duckdb_logs_parsed',
  'duckdb_memory',
  'duckdb_optimizers',
  'duckdb_prepared_statements',
  'duckdb_profiling_settings',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_settings',
  'duckdb_table_sample',
  'duckdb_tables',
  'duckdb_temporary_files',
  'duckdb_types',
  'duckdb_variables',
  'duckdb_views',
  'generate_series',
  'range',
  'repeat',
  'repeat_row',
  'unnest',
  'json_each',
  'json_tree',
  'histogram',
  'histogram_values',
  'icu_calendar_names',
  'pg_timezone_names',
  'pragma_collations',
  'pragma_database_size',
  'pragma_metadata_info',
  'pragma_platform',
  'pragma_show',
  'pragma_storage_info',
  'pragma_table_info',
  'pragma_user_agent',
  'pragma_version',
  'summary',
  'sql_auto_complete',
  'test_all_types',
  'test_vector_types',
  // File readers: DuckDB itself refuses them with enable_external_access=false, with its own
  // clear "file system operations are disabled" message.
  'glob',
  'parquet_bloom_probe',
  'parquet_file_metadata',
  'parquet_full_metadata',
  'parquet_kv_metadata',
  'parquet_metadata',
  'parquet_scan',
  'parquet_schema',
  'read_blob',
  'read_csv',
  'read_csv_auto',
  'read_duckdb',
  'read_json',
  'read_json_auto',
  'read_json_objects',
  'read_json_objects_auto',
  'read_ndjson',
  'read_ndjson_auto',
  'read_ndjson_objects',
  'read_parquet',
  'read_text',
  'sniff_csv',
]);

/** `PRAGMA name` statements that only show things (the rest switch session state). */
const ALLOWED_PRAGMAS = new Set([
  'collations',
  'database_list',
  'database_size',
  'functions',
  'metadata_info',
  'platform',
  'show',
  'show_databases',
  'show_tables',
  'show_tables_expanded',
  'storage_info',
  'table_info',
  'user_agent',
  'version',
]);

/** Names of every built-in table, table-macro and pragma function that is not allowed. */
export async function refusedFunctionNames(conn: DuckDBConnection): Promise<Set<string>> {
  const r = await conn.runAndReadAll(
    // Only DuckDB's own: the workspace's table macros (multifd_throughput, ...) are the analyses'
    // SQL, and a user's TEMP macro passed this same check when it was created.
    `SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE internal AND function_type IN ('table', 'table_macro', 'pragma')`,
  );
  const out = new Set<string>();
  for (const [name] of r.getRows()) {
    const n = String(name);
    if (!ALLOWED_TABLE_FUNCTIONS.has(n) && !ALLOWED_PRAGMAS.has(n)) out.add(n);
  }
  return out;
}

// A call: a (possibly "quoted") name, then only blanks or comments before its parenthesis. A
// `--` comment ends at CR as well as LF, as in DuckDB's scanner (ending it at LF only let
// `query --x<CR>(...)` through); block comments nest, which the lazy match covers by backtracking.
const CALL_RE = /(?:^|[^\w$])"?([A-Za-z_][\w$]*)"?(?:\s|\/\*[\s\S]*?\*\/|--[^\n\r]*(?:[\n\r]|$))*\(/g;

/**
 * The first refused function called anywhere in `sql`. The scan ignores quoting on purpose: a
 * name inside a string literal or comment is refused too (rare, and safe), while a scanner that
 * tracked quotes could be led past a real call by DuckDB's $$-strings or escapes.
 */
export function firstRefusedCall(sql: string, refused: ReadonlySet<string>): string | null {
  CALL_RE.lastIndex = 0;
  for (let m = CALL_RE.exec(sql); m !== null; m = CALL_RE.exec(sql)) {
    const name = m[1].toLowerCase();
    if (refused.has(name)) return name;
    // Let `a(b(` find `b(` too: restart just after the name.
    CALL_RE.lastIndex = m.index + m[0].indexOf(m[1]) + m[1].length;
  }
  return null;
}

/** The pragma a `PRAGMA name ...` statement runs, when that is an allowed one; else null. */
export function allowedPragma(statement: string): string | null {
  const m = /^\s*PRAGMA\s+"?([A-Za-z_]\w*)"?\s*(?:\(|;|$)/i.exec(statement);
  const name = m?.[1].toLowerCase() ?? null;
  return name !== null && ALLOWED_PRAGMAS.has(name) ? name : null;
}

/** The function a `CALL name(...)` statement runs, when that is an allowed one; else null. */
export function allowedCall(statement: string): string | null {
  const m = /^\s*CALL\s+"?([A-Za-z_]\w*)"?\s*\(/i.exec(statement);
  const name = m?.[1].toLowerCase() ?? null;
  return name !== null && ALLOWED_TABLE_FUNCTIONS.has(name) ? name : null;
}
