// `qtw report`: a report built from command-line options, written with no window.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChartKind, ChartSpec, ReportItem, ReportModel } from '../contract.ts';
import { ANALYSES } from '../analyses/catalog.ts';
import { Engine } from '../service/engine.ts';
import { DEFAULT_BINS, DEFAULT_MAX_POINTS, suggestChartFor } from '../service/chart-suggest.ts';
import { isNumericType } from '../service/column-kinds.ts';
import type { QueryRunner } from '../workspace/query.ts';
import { writeReportBundle } from './export.ts';

const KINDS: readonly ChartKind[] = ['line', 'bar', 'scatter', 'histogram'];

export interface CliReportSpec {
  readonly title: string;
  /** In command-line order; a query's chart kind is the --chart that follows it. */
  readonly items: readonly ({ kind: 'query'; sql: string; chart: ChartKind | null } | { kind: 'analysis'; name: string })[];
}

/** Options in their order: --query SQL [--chart KIND] pairs and --analysis NAME. */
export function reportFromArgs(options: readonly { name: string; value: string | null }[], title: string): CliReportSpec {
  const items: CliReportSpec['items'][number][] = [];
  for (const o of options) {
    if (o.name === 'query') items.push({ kind: 'query', sql: o.value ?? '', chart: null });
    else if (o.name === 'analysis') {
      if (!ANALYSES.some((a) => a.name === o.value)) throw new Error(`--analysis ${o.value}: not one of ${ANALYSES.map((a) => a.name).join(', ')}`);
      items.push({ kind: 'analysis', name: o.value ?? '' });
    } else if (o.name === 'chart') {
      const last = items[items.length - 1];
      if (!last || last.kind !== 'query' || last.chart !== null) throw new Error('--chart must follow a --query');
      if (!KINDS.includes(o.value as ChartKind)) throw new Error(`--chart ${o.value}: expected line, bar, scatter or histogram`);
      items[items.length - 1] = { ...last, chart: o.value as ChartKind };
    }
  }
  if (items.length === 0) throw new Error('report needs at least one --query or --analysis');
  return { title, items };
}

/** A chart of the asked kind over the result's columns, starting from the engine's own suggestion. */
export async function chartSpecFor(runner: QueryRunner, sql: string, kind: ChartKind): Promise<ChartSpec> {
  const h = await runner.run(sql);
  try {
    const s = suggestChartFor(h.columns, h.rowCount, h.table !== null).spec;
    const numeric = h.columns.filter((c) => isNumericType(c.type)).map((c) => c.name);
    if (kind === 'histogram') {
      const x = s?.kind === 'histogram' ? s.x : (s?.y[0] ?? numeric[0] ?? h.columns[0]?.name ?? 'x');
      return { kind, x, y: [], series: null, maxPoints: DEFAULT_MAX_POINTS, bins: DEFAULT_BINS };
    }
    const x = s && s.kind !== 'histogram' ? s.x : (h.columns[0]?.name ?? 'x');
    const y = s && s.y.length > 0 ? s.y : numeric.filter((n) => n !== x).slice(0, 1);
    return { kind, x, y, series: kind === 'bar' ? null : (s?.series ?? null), maxPoints: DEFAULT_MAX_POINTS };
  } finally {
    await runner.release(h.id);
  }
}

function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function runCliReport(workspace: string, dir: string, spec: CliReportSpec, redact: boolean): Promise<string[]> {
  const engine = await Engine.open(workspace, { readOnly: true });
  try {
    const items: ReportItem[] = [];
    for (const [i, it] of spec.items.entries()) {
      const id = `item-${i + 1}`;
      if (it.kind === 'analysis') items.push({ kind: 'analysis', id, name: it.name, title: '' });
      else {
        const chart = it.chart === null ? null : await chartSpecFor(engine.runner, it.sql, it.chart);
        items.push({ kind: 'query', id, title: `Query ${i + 1}`, sql: it.sql, show: chart ? 'both' : 'table', chart, maxRows: 50 });
      }
    }
    const model: ReportModel = { title: spec.title || `Report on ${path.basename(workspace)}`, items };
    return await writeReportBundle({ runner: engine.runner, meta: engine.ws.conn, version: toolVersion(), lockedDown: false }, model, path.resolve(dir), redact);
  } finally {
    engine.close();
  }
}
