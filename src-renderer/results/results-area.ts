// Below the editor: Grid | Chart | Timeline. The grid follows every result; the chart is drawn
// lazily when its tab is shown (charting a result nobody looks at is wasted engine time).
import type { EngineClient, QueryResultInfo, ReportItem } from '../../src-main/contract.ts';
import { createChartPanel } from '../charts/chart-panel.ts';
import { createAddToReport } from '../report/add-to-report.ts';
import { createTimelinePanel } from '../timeline/timeline-panel.ts';
import { errorMessage, h } from '../util/dom.ts';
import { formatCount, formatElapsedMs } from '../util/time-format.ts';
import { createResultsGrid } from './results-grid.ts';
import { isTimeMode, nextTimeMode, TIME_MODE_LABEL, type TimeMode } from './time-columns.ts';

const TIME_MODE_KEY = 'qtw.grid.timeMode';
const TIME_MODE_TITLE =
  'How ts_ns columns are shown — click to cycle: ms from the run\'s migration start → UTC date-time → raw ns. ' +
  'Durations (*_ns) show in ms except in raw. Hover a cell for every form and what it is relative to. ' +
  'Copy TSV / Copy Markdown always copy the raw values, whatever is shown.';

/** The mode chosen earlier in this browser session (per tab), else relative. */
function storedTimeMode(): TimeMode {
  try {
    const v = sessionStorage.getItem(TIME_MODE_KEY);
    return isTimeMode(v) ? v : 'relative';
  } catch {
    return 'relative';
  }
}

type View = 'grid' | 'chart' | 'timeline';

export interface ResultsArea {
  /** Resolves when the grid shows the first rows. `sql` produced the result (for "Add to report"). */
  show(result: QueryResultInfo, pointerColumns: ReadonlySet<string>, sql?: string): Promise<void>;
  clear(message?: string): void;
  /** A failed query: its message in full where the rows would be. */
  showError(message: string): void;
  resize(): void;
  refreshTimeline(): void;
  /** Whether a query result (not a message) is shown. */
  hasResult(): boolean;
}

export function createResultsArea(
  host: HTMLElement,
  client: EngineClient,
  hooks: { openQuery(sql: string, run: boolean): void; addToReport?(item: ReportItem): boolean },
): ResultsArea {
  const tabs: Record<View, HTMLButtonElement> = {
    grid: h('button', { class: 'rtab', role: 'tab', 'aria-selected': 'true', id: 'rtab-grid' }, 'Grid'),
    chart: h('button', { class: 'rtab', role: 'tab', 'aria-selected': 'false', id: 'rtab-chart' }, 'Chart'),
    timeline: h('button', { class: 'rtab', role: 'tab', 'aria-selected': 'false', id: 'rtab-timeline' }, 'Timeline'),
  };
  const info = h('span', { class: 'results-info' });
  const note = h('span', { class: 'results-note' });
  const copyTsv = h('button', { class: 'btn small', title: 'Copy the selected cells (or the first 1000 rows) as tab-separated text — Ctrl+C in the grid' }, 'Copy TSV');
  const copyMd = h('button', { class: 'btn small', title: 'Copy the selected cells (or the first 1000 rows) as a Markdown table, for bug reports' }, 'Copy Markdown');
  let timeMode = storedTimeMode();
  const timeBtn = h('button', { class: 'btn small', 'data-testid': 'time-mode', 'data-mode': timeMode, title: TIME_MODE_TITLE }, TIME_MODE_LABEL[timeMode]);
  const bar = h('div', { class: 'results-bar', role: 'tablist' }, tabs.grid, tabs.chart, tabs.timeline, h('span', { class: 'spacer' }), note, info, timeBtn, copyTsv, copyMd);
  let currentSql = '';
  const panes: Record<View, HTMLElement> = {
    grid: h('div', { class: 'rpane', role: 'tabpanel', 'aria-labelledby': 'rtab-grid' }),
    chart: h('div', { class: 'rpane', role: 'tabpanel', 'aria-labelledby': 'rtab-chart', hidden: true }),
    timeline: h('div', { class: 'rpane', role: 'tabpanel', 'aria-labelledby': 'rtab-timeline', hidden: true }),
  };
  host.append(bar, panes.grid, panes.chart, panes.timeline);

  let noteTimer = 0;
  const setNote = (text: string) => {
    note.textContent = text;
    clearTimeout(noteTimer);
    noteTimer = window.setTimeout(() => (note.textContent = ''), 4000);
  };
  const grid = createResultsGrid(panes.grid, client, setNote, timeMode);
  timeBtn.addEventListener('click', () => {
    timeMode = nextTimeMode(timeMode);
    timeBtn.textContent = TIME_MODE_LABEL[timeMode];
    timeBtn.dataset.mode = timeMode;
    try {
      sessionStorage.setItem(TIME_MODE_KEY, timeMode);
    } catch {
      /* storage disabled: the mode lasts until reload */
    }
    grid.setTimeMode(timeMode);
  });
  const chart = createChartPanel(panes.chart, client);
  const timeline = createTimelinePanel(panes.timeline, client, hooks);
  const addToReport = hooks.addToReport;
  if (addToReport) {
    bar.append(createAddToReport(client, {
      current: () => (current && currentSql ? { result: current, sql: currentSql } : null),
      chartSpec: () => (current && charted === current ? chart.currentSpec() : null),
    }, addToReport, setNote));
  }

  let view: View = 'grid';
  let current: QueryResultInfo | null = null;
  let charted: QueryResultInfo | null = null;
  let timelineLoaded = false;

  function drawChart(): void {
    if (!current || charted === current) return;
    charted = current;
    chart.show(current).catch((e: unknown) => setNote(`chart: ${errorMessage(e)}`));
  }

  function select(v: View): void {
    view = v;
    for (const k of Object.keys(tabs) as View[]) {
      tabs[k].setAttribute('aria-selected', String(k === v));
      panes[k].hidden = k !== v;
    }
    if (v === 'chart') {
      drawChart();
      requestAnimationFrame(() => chart.resize());
    }
    if (v === 'timeline') {
      if (!timelineLoaded) {
        timelineLoaded = true;
        timeline.refresh().catch((e: unknown) => setNote(`timeline: ${errorMessage(e)}`));
      }
      requestAnimationFrame(() => timeline.resize());
    }
    if (v === 'grid') grid.resize();
    copyTsv.hidden = copyMd.hidden = timeBtn.hidden = v !== 'grid';
  }
  for (const k of Object.keys(tabs) as View[]) tabs[k].addEventListener('click', () => select(k));
  bar.addEventListener('keydown', (ev) => {
    const order: View[] = ['grid', 'chart', 'timeline'];
    const i = order.indexOf(view);
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
      const next = order[(i + (ev.key === 'ArrowRight' ? 1 : 2)) % 3];
      select(next);
      tabs[next].focus();
    }
  });
  copyTsv.addEventListener('click', () => void grid.copySelection('tsv').catch((e: unknown) => setNote(errorMessage(e))));
  copyMd.addEventListener('click', () => void grid.copySelection('markdown').catch((e: unknown) => setNote(errorMessage(e))));

  return {
    show(result, pointerColumns, sql) {
      const old = current;
      current = result;
      currentSql = sql ?? '';
      charted = null;
      info.textContent = `${formatCount(result.rowCount)} row${result.rowCount === 1 ? '' : 's'} · ${result.columns.length} col${result.columns.length === 1 ? '' : 's'} · ${formatElapsedMs(result.elapsedMs)}`;
      const shown = grid.show(result, pointerColumns);
      if (view === 'chart') drawChart();
      else chart.clear();
      // The engine keeps result tables until released; one live result per window is enough.
      if (old && old.handle !== result.handle) void client.call('releaseResult', { handle: old.handle }).catch(() => undefined);
      return shown;
    },
    clear(message) {
      info.textContent = '';
      grid.clear(message);
    },
    hasResult() {
      return current !== null;
    },
    showError(message) {
      info.textContent = '';
      chart.clear();
      grid.clear(message, true);
      if (current) void client.call('releaseResult', { handle: current.handle }).catch(() => undefined);
      current = null;
      charted = null;
    },
    resize() {
      grid.resize();
      if (view === 'chart') chart.resize();
      if (view === 'timeline') timeline.resize();
    },
    refreshTimeline() {
      timelineLoaded = false;
      if (view === 'timeline') select('timeline');
    },
  };
}
