// Report export: runs the items, renders Markdown / HTML / text, writes charts and data files,
// and zips the lot. One Redactor per export keeps placeholders consistent across every file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReportFormat, ReportModel } from '../contract.ts';
import type { QueryRunner } from '../workspace/query.ts';
import { makeOutputDir, makeOutputDirUndoable, withDiskFull } from '../workspace/output-fs.ts';
import { ident } from '../workspace/schema.ts';
import { collectItems } from './collect.ts';
import type { ReportDoc } from './doc.ts';
import { readProvenance } from './provenance.ts';
import { readTimeContext } from './relative-times.ts';
import { Redactor } from './redact.ts';
import { pointerCatalogue } from './result-pointers.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { renderText } from './render-text.ts';
import { zipDirectory } from './zip.ts';

export interface ReportContext {
  /** Runs the items' SQL (its connection holds their result tables). */
  readonly runner: QueryRunner;
  /** Reads traces/catalogues for provenance. */
  readonly meta: DuckDBConnection;
  readonly version: string;
  readonly lockedDown: boolean;
}

export const BUNDLE_FILES = { markdown: 'report.md', html: 'report.html', text: 'report.txt', zip: 'report.zip' } as const;

/**
 * Hostnames recorded by the traces (VARCHAR `hostname`/`host` columns of event tables), so that
 * they are redacted wherever they appear, also in items rendered before the one that shows them.
 */
export async function knownHostnames(conn: DuckDBConnection): Promise<string[]> {
  const cols = (
    await conn.runAndReadAll(`SELECT c.table_name, c.column_name FROM duckdb_columns() c
      JOIN qtw_event_tables e ON e.name = c.table_name
      WHERE c.schema_name = 'main' AND c.column_name IN ('hostname', 'host') AND c.data_type = 'VARCHAR'`)
  ).getRowsJS();
  const out = new Set<string>();
  for (const [t, c] of cols) {
    const r = await conn.runAndReadAll(`SELECT DISTINCT ${ident(String(c))} FROM ${ident(String(t))} WHERE ${ident(String(c))} IS NOT NULL LIMIT 1000`);
    for (const [v] of r.getRowsJS()) out.add(String(v));
  }
  return [...out];
}

/** A full disk named with the file (Node's own ENOSPC message names none). */
function writeOut(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw withDiskFull(e, file);
  }
}

async function buildDoc(
  ctx: ReportContext,
  model: ReportModel,
  redact: boolean,
  where: { outDir: string | null; chartDir: string; dataDir: string | null; inlineCharts?: boolean },
): Promise<ReportDoc> {
  try {
    return await collectDoc(ctx, model, redact, where);
  } catch (e) {
    // Charts and data files are written while collecting.
    throw withDiskFull(e, where.outDir ?? 'the report');
  }
}

async function collectDoc(
  ctx: ReportContext,
  model: ReportModel,
  redact: boolean,
  where: { outDir: string | null; chartDir: string; dataDir: string | null; inlineCharts?: boolean },
): Promise<ReportDoc> {
  const redactor = redact ? new Redactor(await knownHostnames(ctx.meta)) : null;
  const pointers = redact ? await pointerCatalogue(ctx.meta) : new Map();
  const times = await readTimeContext(ctx.meta);
  const items = await collectItems(model, { runner: ctx.runner, ...where, lockedDown: ctx.lockedDown, redactor, pointers, times });
  const provenance = await readProvenance(ctx.meta, ctx.version, items, redactor);
  return { title: redactor ? redactor.text(model.title) : model.title, items, provenance, redacted: redact };
}

/**
 * The whole report into `dir`: report.md/.html/.txt, charts/item-N.{png,svg},
 * data/item-N.{csv,parquet,json} and report.zip of all of them. Returns the files written.
 */
export async function writeReportBundle(ctx: ReportContext, model: ReportModel, dir: string, redact: boolean, zipTo: string | null = path.join(dir, BUNDLE_FILES.zip)): Promise<string[]> {
  const target = makeOutputDirUndoable(dir, ['charts', 'data']);
  try {
    return await writeBundle(ctx, model, dir, redact, zipTo);
  } catch (e) {
    // No partial report is left to be mistaken for a whole one.
    target.undo();
    throw e;
  }
}

async function writeBundle(ctx: ReportContext, model: ReportModel, dir: string, redact: boolean, zipTo: string | null): Promise<string[]> {
  const doc = await buildDoc(ctx, model, redact, { outDir: dir, chartDir: 'charts', dataDir: path.join(dir, 'data') });
  writeOut(path.join(dir, BUNDLE_FILES.markdown), renderMarkdown(doc));
  writeOut(path.join(dir, BUNDLE_FILES.html), renderHtml(doc));
  writeOut(path.join(dir, BUNDLE_FILES.text), renderText(doc));
  if (zipTo === null) return [];
  let names: string[];
  try {
    names = await zipDirectory(dir, zipTo, [BUNDLE_FILES.zip]);
  } catch (e) {
    throw withDiskFull(e, zipTo);
  }
  return [...names.map((n) => path.join(dir, n)), zipTo];
}

export interface ExportFileOptions {
  /**
   * Markdown as one file, its charts PNG data: URIs (GitLab renders them): what a browser
   * downloads, since a download cannot bring a charts folder along.
   */
  readonly inlineCharts?: boolean;
}

/**
 * One format to `file`. Markdown also writes its PNG charts into `<name>-charts/` beside it
 * (referenced relatively), or inlines them (opts.inlineCharts); HTML and text are single files;
 * zip holds the whole bundle (Markdown with its PNGs and data files among it).
 */
export async function exportReportFile(ctx: ReportContext, model: ReportModel, format: ReportFormat, redact: boolean, file: string, opts: ExportFileOptions = {}): Promise<void> {
  const dir = makeOutputDir(path.dirname(file));
  switch (format) {
    case 'markdown': {
      if (opts.inlineCharts === true) {
        const doc = await buildDoc(ctx, model, redact, { outDir: null, chartDir: 'charts', dataDir: null, inlineCharts: true });
        writeOut(file, renderMarkdown(doc));
        return;
      }
      const chartDir = `${path.basename(file).replace(/\.[^.]*$/, '')}-charts`;
      const doc = await buildDoc(ctx, model, redact, { outDir: dir, chartDir, dataDir: null });
      writeOut(file, renderMarkdown(doc));
      return;
    }
    case 'html':
    case 'text': {
      const doc = await buildDoc(ctx, model, redact, { outDir: null, chartDir: 'charts', dataDir: null });
      writeOut(file, format === 'html' ? renderHtml(doc) : renderText(doc));
      return;
    }
    case 'zip': {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'qtw-report-'));
      try {
        await writeReportBundle(ctx, model, tmp, redact, file);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  }
}

const EXTENSIONS: Record<ReportFormat, string> = { markdown: 'md', html: 'html', text: 'txt', zip: 'zip' };

/** The report title as a file name's base: its words in lower case, ASCII, dashes; '' when none. */
export function titleSlug(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/**
 * A file name in `dir` that does not exist yet: the title's words (as the desktop save dialog
 * proposes them), else report-YYYYMMDD-HHMMSS; then -2, -3 ... when taken.
 */
export function uniqueExportName(existing: (name: string) => boolean, format: ReportFormat, now = new Date(), title = ''): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const base = titleSlug(title) || `report-${stamp}`;
  for (let n = 1; ; n++) {
    const name = `${base}${n > 1 ? `-${n}` : ''}.${EXTENSIONS[format]}`;
    if (!existing(name) && !existing(`${name.replace(/\.[^.]*$/, '')}-charts`)) return name;
  }
}
