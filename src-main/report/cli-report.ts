// `qtw report`: a report built from command-line options, written with no window. The CLI reaches
// it through EngineService.writeReport, which supplies the query runner and connections.
import path from 'node:path';
import type { ChartKind, ChartSpec, ReportItem, ReportModel } from '../contract.ts';
import { DEFAULT_BINS, DEFAULT_MAX_POINTS, suggestChart } from '../results/chart-suggest.ts';
import { isNumericType } from '../results/column-kinds.ts';
import type { QueryRunner } from '../workspace/query.ts';
import type { CliReportSpec } from './cli-spec.ts';
import { writeReportBundle, type ReportContext } from './export.ts';

/** A chart of the asked kind over the result's columns, starting from the engine's own suggestion. */
export async function chartSpecFor(runner: QueryRunner, sql: string, kind: ChartKind): Promise<ChartSpec> {
  const h = await runner.run(sql);
  try {
    const s = (await suggestChart(runner.connection, h)).spec;
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

/** Runs the spec's items against `ctx` and writes the report bundle into `dir`; resolves to the files written. */
export async function writeCliReport(ctx: ReportContext, workspace: string, dir: string, spec: CliReportSpec, redact: boolean): Promise<string[]> {
  const items: ReportItem[] = [];
  for (const [i, it] of spec.items.entries()) {
    const id = `item-${i + 1}`;
    if (it.kind === 'analysis') items.push({ kind: 'analysis', id, name: it.name, title: '' });
    else {
      const chart = it.chart === null ? null : await chartSpecFor(ctx.runner, it.sql, it.chart);
      items.push({ kind: 'query', id, title: `Query ${i + 1}`, sql: it.sql, show: chart ? 'both' : 'table', chart, maxRows: 50 });
    }
  }
  const model: ReportModel = { title: spec.title || `Report on ${path.basename(workspace)}`, items };
  return writeReportBundle(ctx, model, path.resolve(dir), redact);
}
