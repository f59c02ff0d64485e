// "Preview" under a pinned query or analysis: runs it now and shows what the export will hold,
// the top rows (with "N more rows") and the chart as pinned. Nothing runs until it is opened.
// Times read as the export writes them: ms from the run's migration start, durations in ms (the
// grid's rules, results/time-columns.ts); the raw ns stay in each cell's tooltip.
import type { EngineClient, ReportItem } from '../../src-main/contract.ts';
import { buildChartOption } from '../charts/chart-option.ts';
import { echarts, type ECharts } from '../charts/echarts-setup.ts';
import { columnKinds, formatCell } from '../results/cell-format.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatCount } from '../util/time-format.ts';
import { columnRole, formatDurationCell, formatTimeCell, refColumns, rowRef, TimeContext, timeColumnSpec } from '../results/time-columns.ts';

/** The table rows a preview shows at most; the export keeps the item's own maxRows. */
const PREVIEW_ROWS = 50;
const CHART_POINTS = 1500;

type PreviewItem = Exclude<ReportItem, { kind: 'note' }>;

export function previewSql(it: PreviewItem): string {
  return it.kind === 'query' ? it.sql : `SELECT * FROM "${it.name.replace(/"/g, '""')}"`;
}

export interface ItemPreview {
  readonly el: HTMLElement;
  dispose(): void;
}

export function createItemPreview(client: EngineClient, current: () => PreviewItem | null): ItemPreview {
  const body = h('div', { class: 'rp-preview-body' });
  const el = h('details', { class: 'rp-preview', 'data-testid': 'report-item-preview' }, h('summary', {}, 'Preview'), body);
  let chart: ECharts | null = null;
  let token = 0;

  function disposeChart(): void {
    chart?.dispose();
    chart = null;
  }

  async function timeContext(): Promise<TimeContext> {
    const [runs, traces, alignment] = await Promise.all([client.call('listRuns', {}), client.call('listTraces', {}), client.call('clockAlignment', {})]);
    return new TimeContext(runs, traces, alignment);
  }

  async function load(): Promise<void> {
    const my = ++token;
    const it = current();
    disposeChart();
    clear(body);
    if (!it) return;
    body.append(h('div', { class: 'muted' }, 'running…'));
    const result = await client.call('runQuery', { sql: previewSql(it) });
    try {
      const showTable = it.kind === 'analysis' || it.show !== 'chart';
      const limit = Math.min(result.rowCount, it.kind === 'query' ? Math.min(it.maxRows, PREVIEW_ROWS) : PREVIEW_ROWS);
      const page = showTable && limit > 0 ? await client.call('fetchRows', { handle: result.handle, offset: 0, count: limit, sort: null }) : null;
      const spec = it.kind === 'query' && it.show !== 'table' ? it.chart : null;
      const data = spec ? await client.call('chartData', { handle: result.handle, spec: { ...spec, maxPoints: Math.min(spec.maxPoints, CHART_POINTS) } }) : null;
      // Without runs the times stay raw ns rather than relative to a guessed start.
      const ctx = page && result.columns.some((c) => columnRole(c) === 'time') ? await timeContext().catch(() => null) : null;
      if (my !== token || !el.open) return;
      clear(body);
      if (data) {
        const box = h('div', { class: 'rp-preview-chart' });
        body.append(box);
        if (data.points > 0) {
          chart = echarts.init(box, null, { renderer: 'canvas' });
          chart.setOption(buildChartOption(data), { notMerge: true });
        } else box.append(h('div', { class: 'muted' }, 'Nothing to draw.'));
      }
      if (page) {
        const kinds = columnKinds(result.columns, new Set());
        const roles = result.columns.map(columnRole);
        const specs = result.columns.map((c) => timeColumnSpec(c.name));
        const refs = refColumns(result.columns);
        const table = h('table', { class: 'rp-preview-table' },
          h('thead', {}, h('tr', {}, ...result.columns.map((c) => h('th', { title: c.type }, c.name)))));
        const tbody = h('tbody');
        for (const row of page.rows) {
          tbody.append(h('tr', {}, ...row.map((v, i) => {
            const role = roles[i];
            const ref = rowRef(row, refs);
            const f = role === 'duration' ? formatDurationCell(v, 'relative')
              : role === 'time' ? formatTimeCell(v, ctx ? 'relative' : 'raw', ctx?.baseFor(ref, specs[i]) ?? null, ctx?.clockFor(ref) ?? null)
                : formatCell(v, kinds[i] ?? 'other');
            return h('td', { class: f.cls, title: f.title }, f.text);
          })));
        }
        table.append(tbody);
        body.append(h('div', { class: 'rp-preview-scroll' }, table));
      }
      const more = result.rowCount - (page?.rows.length ?? 0);
      body.append(h('div', { class: 'muted rp-preview-foot' },
        `${formatCount(result.rowCount)} row${result.rowCount === 1 ? '' : 's'}${page && more > 0 ? ` · ${formatCount(more)} more rows not shown` : ''}`));
    } finally {
      client.call('releaseResult', { handle: result.handle }).catch(() => undefined);
    }
  }

  el.addEventListener('toggle', () => {
    if (!el.open) {
      token++;
      disposeChart();
      return;
    }
    load().catch((e: unknown) => {
      clear(body);
      body.append(h('div', { class: 'err rp-preview-err' }, `Preview failed: ${errorMessage(e)}`));
    });
  });

  return {
    el,
    dispose() {
      token++;
      disposeChart();
    },
  };
}
