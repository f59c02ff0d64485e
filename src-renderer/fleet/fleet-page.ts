// The Fleet page: one row per run of the workspace (the engine's fleet query, the same rows
// `qtw fleet` prints), sortable by any column and filtered by a text box; box plots of downtime
// and total time per QEMU version or per label pattern with runs outside the usual range marked;
// a click on a run (a row, or an outlier point) opens it on the Migration page.
import './fleet.css';
import type { EngineClient, FleetData } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { openRun } from '../migration/open-run.ts';
import { num, str } from '../migration/query-rows.ts';
import { boxPlotOption, echarts, type ECharts } from './fleet-chart.ts';
import {
  OUTLIER_RULE, groupStats, outlierRuns, parsePattern, rowFilter, sortRows, type BoxStats, type Grouping, type Row, type SortSpec,
} from './fleet-model.ts';

export interface FleetPage {
  readonly root: HTMLElement;
  refresh(): Promise<void>;
  resize(): void;
}

export interface FleetHooks {
  openQuery(sql: string, run?: boolean): void;
}

/** The measures drawn as box plots, with their unit. */
const BOXES = [
  { column: 'downtime_ms', title: 'Downtime', unit: 'ms' },
  { column: 'total_ms', title: 'Total time', unit: 'ms' },
] as const;

/** Columns whose numbers are identifiers: shown as they are, no thousands separators. */
const ID_COLUMNS = new Set(['run_id', 'src_trace_id', 'dst_trace_id', 'start_ts_ns']);

function cellText(column: string, v: Row[string] | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  const n = num(v);
  if (n !== null && !ID_COLUMNS.has(column)) return n.toLocaleString('en-US', { maximumFractionDigits: 3 });
  return str(v) ?? '—';
}

export function createFleetPage(client: EngineClient, hooks: FleetHooks): FleetPage {
  const status = h('span', { class: 'mg-status muted', 'data-testid': 'fleet-status' });
  const filter = h('input', {
    class: 'fl-filter', type: 'search', placeholder: 'filter: text, or column<op>value (downtime_ms>50 final_state=failed)',
    'aria-label': 'filter runs', 'data-testid': 'fleet-filter', spellcheck: 'false',
  });
  const groupBy = h('select', { 'aria-label': 'group box plots by', 'data-testid': 'fleet-group' },
    h('option', { value: 'qemu_version' }, 'QEMU version'), h('option', { value: 'label' }, 'label pattern'));
  const pattern = h('input', {
    class: 'fl-pattern', value: '^([^-_ ]+)', 'aria-label': 'label pattern', 'data-testid': 'fleet-pattern', hidden: true, spellcheck: 'false',
    title: 'A regular expression over run labels (case-insensitive): its first capture group, else the whole match, names the group',
  });
  const patternError = h('span', { class: 'fl-pattern-error err' });
  const openQuery = h('button', { class: 'btn small', disabled: true, 'data-testid': 'open-query', title: 'Open the fleet query in an editor tab and run it' }, 'Open query');
  const refreshButton = h('button', { class: 'btn small', title: 'Re-read the runs' }, 'Refresh');
  const rules = h('div', { class: 'fl-rules muted' });
  const boxes = BOXES.map((b) => {
    const canvas = h('div', { class: 'fl-box-canvas' });
    const message = h('div', { class: 'mg-chart-message', hidden: true });
    const root = h('section', { class: 'mg-chart fl-box', 'data-testid': 'fleet-box', 'data-measure': b.column },
      h('header', { class: 'mg-chart-head' }, h('h3', {}, `${b.title} (${b.unit})`)), h('div', { class: 'mg-chart-body' }, canvas, message));
    return { def: b, root, canvas, message, chart: null as ECharts | null, stats: [] as BoxStats[] };
  });
  const grid = h('div', { class: 'fl-grid-wrap' });
  const root = h(
    'div',
    { class: 'mg-page fl-page', 'data-testid': 'fleet-page' },
    h('div', { class: 'mg-bar' }, h('h2', {}, 'Fleet'), status, h('span', { class: 'spacer' }), openQuery, refreshButton),
    h('div', { class: 'fl-tools' }, filter, h('label', { class: 'mg-pick' }, h('span', {}, 'Box plots by'), groupBy), pattern, patternError),
    rules,
    h('div', { class: 'fl-boxes' }, ...boxes.map((b) => b.root)),
    grid,
  );

  let data: FleetData | null = null;
  let sort: SortSpec | null = null;
  openQuery.addEventListener('click', () => data && hooks.openQuery(data.sql, true));
  refreshButton.addEventListener('click', () => void page.refresh());
  filter.addEventListener('input', () => render());
  groupBy.addEventListener('change', () => {
    pattern.hidden = groupBy.value !== 'label';
    render();
  });
  pattern.addEventListener('input', () => render());

  function grouping(): Grouping | null {
    patternError.textContent = '';
    if (groupBy.value !== 'label') return { by: 'qemu_version' };
    const p = parsePattern(pattern.value);
    if ('error' in p) {
      patternError.textContent = p.error;
      return null;
    }
    return { by: 'label', pattern: p };
  }

  function drawBoxes(rows: readonly Row[], g: Grouping | null): Map<string, Set<number>> {
    const labels = new Map(rows.map((r) => [num(r.run_id) ?? -1, str(r.label ?? null) ?? ''] as const));
    const marks = new Map<string, Set<number>>();
    for (const b of boxes) {
      b.stats = g ? groupStats(rows, b.def.column, g) : [];
      marks.set(b.def.column, outlierRuns(b.stats));
      if (b.stats.length === 0) {
        b.message.textContent = g ? `No run has a ${b.def.column}.` : 'Fix the label pattern.';
        b.message.hidden = false;
        b.canvas.hidden = true;
        b.root.dataset.state = 'empty';
        continue;
      }
      b.message.hidden = true;
      b.canvas.hidden = false;
      if (!b.chart) {
        const chart = echarts.init(b.canvas, undefined, { renderer: 'canvas' });
        chart.on('click', (p) => {
          const v = (p as { seriesType?: string; value?: unknown }).value;
          if ((p as { seriesType?: string }).seriesType === 'scatter' && Array.isArray(v)) openRun(Number(v[2]));
        });
        b.chart = chart;
      }
      b.chart.setOption(boxPlotOption(b.stats, b.def.unit, labels), { notMerge: true });
      b.chart.resize();
      b.root.dataset.state = 'drawn';
      b.root.dataset.groups = b.stats.map((s) => s.group).join('|');
      b.root.dataset.outliers = b.stats.flatMap((s) => s.outliers.map((o) => o.runId)).join(',');
    }
    return marks;
  }

  function drawGrid(rows: readonly Row[], marks: Map<string, Set<number>>): void {
    if (!data) return;
    const columns = data.columns.map((c) => c.name);
    const head = h('tr', {}, ...columns.map((c) => {
      const dir = sort?.column === c ? (sort.desc ? 'descending' : 'ascending') : 'none';
      const th = h('th', { 'data-col': c, 'aria-sort': dir, title: `sort by ${c}` }, c, h('span', { class: 'fl-sort' }, dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''));
      th.addEventListener('click', () => {
        sort = sort?.column === c ? { column: c, desc: !sort.desc } : { column: c, desc: false };
        render();
      });
      return th;
    }));
    const body = sortRows(rows, sort).map((r) => {
      const runId = num(r.run_id);
      const odd = [...marks.entries()].filter(([, ids]) => runId !== null && ids.has(runId)).map(([m]) => m);
      const tr = h('tr', { 'data-run-id': runId ?? '', class: odd.length ? 'fl-outlier' : '', title: odd.length ? `outside the usual range: ${odd.join(', ')}` : 'open this run on the Migration page' },
        ...columns.map((c) => {
          const v = r[c];
          const isNum = num(v ?? null) !== null && typeof v !== 'boolean';
          const cls = [isNum ? 'num' : '', odd.includes(c) ? 'fl-odd' : ''].join(' ').trim();
          return h('td', { class: cls, 'data-col': c }, cellText(c, v));
        }));
      if (runId !== null) tr.addEventListener('click', () => openRun(runId));
      return tr;
    });
    clear(grid);
    grid.append(h('table', { class: 'fl-grid', 'data-testid': 'fleet-grid' }, h('thead', {}, head), h('tbody', {}, ...body)));
  }

  function render(): void {
    if (!data) return;
    const all = data.rows;
    const columns = data.columns.map((c) => c.name);
    const rows = all.filter(rowFilter(filter.value, columns));
    status.textContent = rows.length === all.length ? `${all.length} run${all.length === 1 ? '' : 's'}` : `${rows.length} of ${all.length} runs`;
    const marks = drawBoxes(rows, grouping());
    drawGrid(rows, marks);
  }

  function empty(text: string): void {
    clear(grid);
    grid.append(h('div', { class: 'mg-empty', 'data-testid': 'fleet-empty' }, h('h3', {}, 'No runs'), h('p', {}, text)));
    for (const b of boxes) {
      b.chart?.clear();
      b.message.textContent = 'No runs to draw.';
      b.message.hidden = false;
      b.canvas.hidden = true;
      b.root.dataset.state = 'empty';
    }
  }

  let running: Promise<void> | null = null;
  const page: FleetPage = {
    root,
    async refresh() {
      if (running) return running;
      root.dataset.state = 'loading';
      running = (async () => {
        try {
          data = await client.call('fleet', {});
        } catch (e) {
          data = null;
          status.textContent = errorMessage(e);
          empty('The fleet query could not run.');
          return;
        }
        openQuery.disabled = false;
        rules.textContent = `${data.throughputRule}. ${OUTLIER_RULE}`;
        if (data.missing !== null || data.error !== null) {
          status.textContent = data.missing ?? `fleet query failed: ${data.error}`;
          empty(status.textContent);
        } else if (data.rows.length === 0) {
          status.textContent = '';
          empty('This workspace has no runs yet: traces are put into runs (one migration each) after every import.');
        } else render();
      })().finally(() => {
        running = null;
        root.dataset.state = 'ready';
      });
      return running;
    },
    resize() {
      for (const b of boxes) b.chart?.resize();
    },
  };
  return page;
}
