// The workspace's report: one JSON model in a `reports` table, so it reopens with the workspace.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReportModel } from '../contract.ts';
import { literal } from '../workspace/schema.ts';
import { parseReportModel } from './validate.ts';

const ID = 'default';

export const EMPTY_REPORT: ReportModel = { title: '', items: [] };

async function hasTable(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'reports'`);
  return Number(r.getRowsJS()[0][0]) > 0;
}

export async function loadReport(conn: DuckDBConnection): Promise<ReportModel> {
  if (!(await hasTable(conn))) return EMPTY_REPORT;
  const r = await conn.runAndReadAll(`SELECT model FROM reports WHERE report_id = ${literal(ID)}`);
  const rows = r.getRowsJS();
  if (rows.length === 0) return EMPTY_REPORT;
  try {
    return parseReportModel(JSON.parse(String(rows[0][0])));
  } catch {
    // A model saved by another version that no longer validates: start afresh rather than fail.
    return EMPTY_REPORT;
  }
}

export async function saveReport(conn: DuckDBConnection, model: ReportModel): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS reports(report_id VARCHAR PRIMARY KEY, model VARCHAR, saved_at TIMESTAMP)`);
  await conn.run(
    `INSERT OR REPLACE INTO reports VALUES (${literal(ID)}, ${literal(JSON.stringify(model))}, now()::TIMESTAMP)`,
  );
}
