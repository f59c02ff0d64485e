// The engine's report methods: the model saved in the workspace, exports to a chosen path or to
// the export folder beside the workspace (served by name under `qtw serve`).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReportExportResult, ReportFormat, ReportModel } from '../contract.ts';
import { exportReportFile, uniqueExportName, type ReportContext } from '../report/export.ts';
import { loadReport, saveReport } from '../report/store.ts';
import { ServiceError } from './failure.ts';

export const EXPORT_FOLDER = 'qtw-exports';

export function exportFolder(workspacePath: string): string {
  return path.join(path.dirname(path.resolve(workspacePath)), EXPORT_FOLDER);
}

export function getReport(conn: DuckDBConnection): Promise<ReportModel> {
  return loadReport(conn);
}

export async function putReport(conn: DuckDBConnection, model: ReportModel, readOnly: boolean): Promise<Record<string, never>> {
  if (readOnly) throw new ServiceError('the workspace is open read-only; the report cannot be saved');
  await saveReport(conn, model);
  return {};
}

export async function exportReport(
  ctx: ReportContext,
  model: ReportModel,
  req: { format: ReportFormat; redact: boolean; path: string | null },
  workspacePath: string,
  allowPath: (file: string) => boolean,
): Promise<ReportExportResult> {
  let file: string;
  if (req.path === null) {
    const dir = exportFolder(workspacePath);
    mkdirSync(dir, { recursive: true });
    file = path.join(dir, uniqueExportName((n) => existsSync(path.join(dir, n)), req.format));
  } else {
    if (!path.isAbsolute(req.path)) throw new ServiceError('export path must be absolute');
    if (!allowPath(req.path)) throw new ServiceError(`exporting to ${req.path} is not allowed in this session`);
    file = req.path;
  }
  try {
    await exportReportFile(ctx, model, req.format, req.redact, file);
  } catch (e) {
    throw new ServiceError(`report export failed: ${(e as Error).message}`);
  }
  return { path: file, name: path.basename(file) };
}
