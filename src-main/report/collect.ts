// Runs every item of a report on the engine and turns it into rendered-ready DocItems: the top
// rows as text, the chart as SVG (+ PNG on disk), the data files; redacted when asked.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChartData, ChartSpec, ReportItem, ReportModel } from '../contract.ts';
import { ANALYSES } from '../analyses/catalog.ts';
import { analysisSql } from '../analyses/page-queries.ts';
import { chartData } from '../results/chart-data.ts';
import { isNumericType } from '../results/column-kinds.ts';
import { cellText, MAX_PAGE_ROWS, type CellValue, type QueryRunner, type ResultHandle } from '../workspace/query.ts';
import { chartSvg, inlineSvg, svgToPng, type ChartMasks } from './charts.ts';
import { writeDataFiles, redactCell } from './data-files.ts';
import type { DocChart, DocItem, DocTable } from './doc.ts';
import type { Redactor } from './redact.ts';
import { NO_TIME_CONTEXT, relativeTimes, type TimeContext } from './relative-times.ts';
import { resultPointerColumns, type PointerCatalogue } from './result-pointers.ts';

/** Rows shown for an analysis item (its data files keep every row). */
export const ANALYSIS_ROWS = 100;

export interface CollectOptions {
  readonly runner: QueryRunner;
  /** Where charts/ and data/ go; null = charts only in memory (single-file HTML/text). */
  readonly outDir: string | null;
  readonly chartDir: string;
  readonly dataDir: string | null;
  /** Charts as PNG data: URIs in the doc (one self-contained Markdown file). */
  readonly inlineCharts?: boolean;
  readonly lockedDown: boolean;
  readonly redactor: Redactor | null;
  /** Pointer-typed event columns: a result column that comes from one is redacted as a pointer. */
  readonly pointers: PointerCatalogue;
  /** Run starts and clock offsets: tables show their times as ms from the run's start. */
  readonly times?: TimeContext;
}

export function analysisTitle(name: string, title: string): string {
  return title || ANALYSES.find((a) => a.name === name)?.title || name;
}

export async function collectItems(model: ReportModel, o: CollectOptions): Promise<DocItem[]> {
  const out: DocItem[] = [];
  for (const [i, item] of model.items.entries()) out.push(await collectItem(item, i + 1, o));
  return out;
}

function red(o: CollectOptions, s: string): string {
  return o.redactor ? o.redactor.text(s) : s;
}

async function collectItem(item: ReportItem, index: number, o: CollectOptions): Promise<DocItem> {
  if (item.kind === 'note') return { kind: 'note', index, markdown: red(o, item.markdown) };
  const isAnalysis = item.kind === 'analysis';
  if (isAnalysis && !ANALYSES.some((a) => a.name === item.name)) {
    return { kind: 'data', index, title: red(o, item.title || item.name), sql: '', table: null, chart: null, error: `unknown analysis ${red(o, item.name)}`, dataFiles: [] };
  }
  const sql = isAnalysis ? analysisSql(item.name) : item.sql;
  const title = isAnalysis ? analysisTitle(item.name, item.title) : item.title || `Query ${index}`;
  const maxRows = isAnalysis ? ANALYSIS_ROWS : item.maxRows;
  const showTable = isAnalysis || item.show !== 'chart';
  const spec = !isAnalysis && item.show !== 'table' ? item.chart : null;
  const base = { kind: 'data' as const, index, title: red(o, title), sql: red(o, sql) };
  let h: ResultHandle;
  try {
    h = await o.runner.run(sql);
  } catch (e) {
    return { ...base, table: null, chart: null, error: red(o, (e as Error).message), dataFiles: [] };
  }
  try {
    const pointers = o.redactor ? await resultPointerColumns(o.runner.connection, sql, h.columns, o.pointers) : [];
    const table = showTable ? await topRows(o, h, maxRows, pointers) : null;
    let chart: DocChart | null = null;
    let error: string | null = null;
    if (spec !== null) {
      try {
        if (h.table === null) throw new Error('this result is not a table of rows and cannot be charted');
        const data = await chartData(o.runner.connection, h.table, h.columns, h.rowCount, spec);
        chart = renderChart(data, title, index, o, chartMasks(spec, o, h, pointers));
      } catch (e) {
        error = `chart: ${red(o, (e as Error).message)}`;
      }
    }
    const dataFiles: string[] = [];
    if (o.dataDir !== null && o.outDir !== null) {
      mkdirSync(o.dataDir, { recursive: true });
      const files = await writeDataFiles(o.runner.connection, h, path.join(o.dataDir, `item-${index}`), {
        lockedDown: o.lockedDown,
        redactor: o.redactor,
        redactColumns: { pointers },
      });
      for (const f of files) dataFiles.push(path.relative(o.outDir, f).split(path.sep).join('/'));
    }
    return { ...base, table, chart, error, dataFiles };
  } finally {
    await o.runner.release(h.id);
  }
}

async function topRows(o: CollectOptions, h: ResultHandle, maxRows: number, pointers: readonly boolean[]): Promise<DocTable> {
  const want = Math.min(maxRows, h.rowCount);
  let rows: CellValue[][] = [];
  if (h.table === null) rows = (h.inline ?? []).slice(0, want);
  else while (rows.length < want) {
    const page = await o.runner.fetchRows(h.id, rows.length, Math.min(MAX_PAGE_ROWS, want - rows.length));
    if (page.length === 0) break;
    rows = rows.concat(page);
  }
  const rel = relativeTimes(h.columns, rows, o.times ?? NO_TIME_CONTEXT, o.redactor ? pointers : []);
  const text = rows.map((r) =>
    r.map((v, i) => {
      if (rel?.columns.has(i)) return rel.text(r, i);
      const c = h.columns[i];
      const shown = o.redactor ? redactCell(v, c.type, c.name, pointers[i] === true, o.redactor) : v;
      return cellText(shown);
    }),
  );
  return {
    columns: h.columns.map((c, i) => ({ name: red(o, rel?.columns.has(i) ? rel.name(i) : c.name), numeric: isNumericType(c.type) && !(o.redactor && pointers[i] === true) })),
    rows: text,
    totalRows: h.rowCount,
    note: rel ? red(o, rel.note) : null,
  };
}

/** For a redacted report: which of the chart's columns hold pointers (see ChartMasks). */
function chartMasks(spec: ChartSpec, o: CollectOptions, h: ResultHandle, pointers: readonly boolean[]): ChartMasks | null {
  const r = o.redactor;
  if (r === null) return null;
  const isPointer = (c: string | null) => c !== null && pointers[h.columns.findIndex((k) => k.name === c)] === true;
  return {
    x: isPointer(spec.x),
    y: spec.y.some(isPointer),
    series: isPointer(spec.series),
    pointer: (s) => (/^-?\d+$/.test(s) ? r.pointer(BigInt(s)) : r.text(s)),
  };
}

function renderChart(data: ChartData, title: string, index: number, o: CollectOptions, masks: ChartMasks | null): DocChart {
  const label = (s: string) => red(o, s);
  const svg = chartSvg(data, title, label, masks);
  const png = `${o.chartDir}/item-${index}.png`;
  const svgFile = `${o.chartDir}/item-${index}.svg`;
  let pngInline: string | null = null;
  if (o.outDir !== null) {
    mkdirSync(path.join(o.outDir, o.chartDir), { recursive: true });
    writeFileSync(path.join(o.outDir, png), svgToPng(svg));
    writeFileSync(path.join(o.outDir, svgFile), svg);
  } else if (o.inlineCharts === true) {
    pngInline = `data:image/png;base64,${svgToPng(svg).toString('base64')}`;
  }
  return { svg: inlineSvg(svg, `item${index}-`), png, svgFile, pngInline, sampled: data.sampled };
}
