// The report `qtw report` asks for, read from its command-line options. Apart from cli-report.ts
// (which writes it) so that parsing the arguments loads no renderer (ECharts, resvg).
import type { ChartKind } from '../contract.ts';
import { ANALYSES } from '../analyses/catalog.ts';

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
