// The engine's report methods: the model saved in the workspace, exports to a chosen path or to
// the export folder beside the workspace (served by name under `qtw serve`).
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReportExportResult, ReportFormat, ReportModel } from '../contract.ts';
import type { ReportContext } from '../report/export.ts';
import { loadReport, saveReport } from '../report/store.ts';
import { exportFolderTarget, exportTarget, type ExportRule } from './export-policy.ts';
import { failureCode, ServiceError } from './failure.ts';

export { EXPORT_FOLDER, exportFolder } from './export-policy.ts';

export function getReport(conn: DuckDBConnection): Promise<ReportModel> {
  return loadReport(conn);
}

export async function putReport(conn: DuckDBConnection, model: ReportModel, readOnly: boolean): Promise<Record<string, never>> {
  if (readOnly) throw new ServiceError('the workspace is open read-only; the report cannot be saved', 'read-only');
  await saveReport(conn, model);
  return {};
}

export async function exportReport(
  ctx: ReportContext,
  model: ReportModel,
  req: { format: ReportFormat; redact: boolean; path: string | null },
  workspacePath: string,
  rule: ExportRule | undefined,
): Promise<ReportExportResult> {
  // The report renderer (ECharts, resvg) loads with the first export, not with the service.
  const { exportReportFile, uniqueExportName } = await import('../report/export.ts');
  const target =
    req.path === null
      ? exportFolderTarget(workspacePath, (exists) => uniqueExportName(exists, req.format, new Date(), model.title))
      : exportTarget(workspacePath, rule, ctx.lockedDown, req.path);
  try {
    // The export folder is what a browser downloads from: one file each, so Markdown inlines its charts.
    await target.write((out) => exportReportFile(ctx, model, req.format, req.redact, out, { inlineCharts: req.path === null }));
  } catch (e) {
    // An item's SQL failing keeps its kind (sql, cancelled...), as an export refused does.
    throw new ServiceError(`report export failed: ${(e as Error).message}`, failureCode(e));
  }
  return { path: target.file, name: path.basename(target.file) };
}
