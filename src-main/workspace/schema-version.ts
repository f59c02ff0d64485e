// The workspace schema version (qtw_meta.schema_version) is read on every open, so that the rest
// of the engine can trust the tables to have the columns of this build:
//   - no qtw_meta yet: a new workspace; CREATE_SCHEMA makes it at SCHEMA_VERSION;
//   - older: the migration steps after it run in order, in one transaction, and the new version
//     is recorded; a read-only open cannot ALTER, so each connection gets TEMP views that add the
//     missing columns as NULLs over the stored tables (nothing is written to the file);
//   - newer than this build: refused with one line (its tables may mean something else).
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, MIGRATIONS, SCHEMA_VERSION, type Migration } from './schema.ts';

/** Refusal to open a workspace because of its schema version: one line, naming the file. */
export class SchemaVersionError extends Error {}

/** The version stored in the file; 'new' when it has no qtw_meta (nothing made by qtw yet). */
export async function readSchemaVersion(conn: DuckDBConnection, file: string): Promise<number | 'new'> {
  const meta = await conn.runAndReadAll(
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'qtw_meta'`,
  );
  if (Number(meta.getRowsJS()[0]?.[0] ?? 0) === 0) return 'new';
  const r = await conn.runAndReadAll(`SELECT value FROM qtw_meta WHERE key = 'schema_version'`);
  // Every qtw wrote the key from the start; a qtw_meta without it predates versioning: 1.
  if (r.currentRowCount === 0) return 1;
  const text = String(r.getRowsJS()[0]?.[0] ?? '');
  if (!/^[1-9]\d{0,5}$/.test(text)) throw new SchemaVersionError(`${file}: workspace schema version '${text}' is not one qtw writes`);
  const v = Number(text);
  if (v > SCHEMA_VERSION) throw new SchemaVersionError(`${file}: workspace schema version ${v} is newer than this qtw (${SCHEMA_VERSION}): use a newer qtw`);
  return v;
}

function pending(from: number): Migration[] {
  return MIGRATIONS.filter((m) => m.to > from).sort((a, b) => a.to - b.to);
}

/**
 * Bring a writable workspace at version `from` (CREATE_SCHEMA already run) to SCHEMA_VERSION and
 * record it. One transaction: a failed step leaves the file as it was.
 */
export async function migrateSchema(conn: DuckDBConnection, from: number | 'new', file: string): Promise<void> {
  const steps = from === 'new' ? [] : pending(from);
  if (from !== 'new' && from === SCHEMA_VERSION) return;
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const step of steps) {
      for (const [table, cols] of Object.entries(step.addColumns)) {
        for (const [name, type] of cols) await conn.run(`ALTER TABLE ${ident(table)} ADD COLUMN IF NOT EXISTS ${ident(name)} ${type}`);
      }
    }
    await conn.run(`INSERT OR REPLACE INTO qtw_meta VALUES ('schema_version', ${literal(String(SCHEMA_VERSION))})`);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    const msg = String((e as Error)?.message ?? e).replace(/\s*\n\s*/g, ' ');
    throw new SchemaVersionError(`${file}: cannot upgrade the workspace from schema version ${from} to ${SCHEMA_VERSION}: ${msg}`);
  }
}

/**
 * For a read-only open of an older workspace: statements that make each connection see the
 * tables as SCHEMA_VERSION has them (TEMP views shadow the stored tables of the same name; the
 * file is not touched). Empty when the workspace is current. Views only add columns, so a step
 * that needs more than that cannot be bridged and the open is refused.
 */
export async function readOnlyBridge(conn: DuckDBConnection, from: number | 'new', file: string): Promise<string[]> {
  if (from === 'new' || from === SCHEMA_VERSION) return [];
  const db = String((await conn.runAndReadAll('SELECT current_database()')).getRowsJS()[0]?.[0]);
  const added = new Map<string, (readonly [string, string])[]>();
  for (const step of pending(from)) {
    if (step.bridgeable === false) {
      throw new SchemaVersionError(`${file}: workspace schema version ${from} is older than this qtw (${SCHEMA_VERSION}) and cannot be read as it is: open it once without read-only to upgrade it (\`qtw runs ${file}\` does)`);
    }
    for (const [table, cols] of Object.entries(step.addColumns)) added.set(table, [...(added.get(table) ?? []), ...cols]);
  }
  const out: string[] = [];
  for (const [table, cols] of added) {
    const have = await conn.runAndReadAll(
      `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ${literal(table)}`,
    );
    const present = new Set(have.getRowsJS().map((r) => String(r[0]).toLowerCase()));
    if (present.size === 0) continue;
    const missing = cols.filter(([name]) => !present.has(name.toLowerCase()));
    if (missing.length === 0) continue;
    const extra = missing.map(([name, type]) => `NULL::${type} AS ${ident(name)}`).join(', ');
    out.push(`CREATE OR REPLACE TEMP VIEW ${ident(table)} AS SELECT *, ${extra} FROM ${ident(db)}.main.${ident(table)}`);
  }
  return out;
}
