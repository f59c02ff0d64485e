// The Chart tab: the engine suggests a chart for the result's shape and returns downsampled
// points; this panel draws them with ECharts and lets the user change kind and columns. Every
// change re-asks the engine, so a billion-row result costs the renderer only what it draws.
import './chart-panel.css';
import type { ChartData, ChartKind, ChartSpec, EngineClient, QueryColumn, QueryResultInfo } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatCount } from '../util/time-format.ts';
import { exportPng, exportSvg } from './chart-export.ts';
import { binsFor, pointsBudget, specForKind, splitCandidates, xCandidates, yCandidates } from './chart-columns.ts';
import { buildChartOption, type ChartOption } from './chart-option.ts';
import { withDetail, xExtent, zoomWindow } from './chart-detail.ts';
import { echarts, type ECharts } from './echarts-setup.ts';

const KINDS: readonly { kind: ChartKind; label: string; title: string }[] = [
  { kind: 'line', label: 'Line', title: 'y over x, downsampled with LTTB (keeps peaks)' },
  { kind: 'scatter', label: 'Scatter', title: 'every point (stride-sampled beyond the budget)' },
  { kind: 'bar', label: 'Bar', title: 'y per category of x' },
  { kind: 'histogram', label: 'Histogram', title: 'distribution of one numeric column' },
];
/** A series column may split y into many series; budget points as if there were this many. */
const SPLIT_SERIES_GUESS = 8;
/** A zoom (wheel, drag, slider) is taken as settled after this long without another. */
const ZOOM_SETTLE_MS = 250;

export function createChartPanel(host: HTMLElement, client: EngineClient): {
  show(result: QueryResultInfo): Promise<void>; clear(): void; resize(): void; dispose(): void;
  /** The spec of the chart as shown (kind, columns, split, bins), or null when none is drawn. */
  currentSpec(): ChartSpec | null } {
  const kindButtons = new Map<ChartKind, HTMLButtonElement>();
  const kindGroup = h('div', { class: 'ch-kinds', role: 'group', 'aria-label': 'Chart kind' });
  for (const k of KINDS) {
    const b = h('button', { class: 'ch-kind', 'aria-pressed': 'false', title: k.title, 'data-kind': k.kind }, k.label);
    kindButtons.set(k.kind, b);
    kindGroup.append(b);
  }
  const xSelect = h('select', { class: 'ch-x', 'aria-label': 'x column' });
  const ySummary = h('summary', { class: 'ch-y-summary', title: 'y columns' }, 'y');
  const yList = h('div', { class: 'ch-y-list' });
  const yPicker = h('details', { class: 'ch-y' }, ySummary, yList);
  const seriesSelect = h('select', { class: 'ch-series', 'aria-label': 'series column' });
  const binsInput = h('input', { type: 'number', class: 'ch-bins-input', min: 2, max: 1000, step: 1, 'aria-label': 'histogram bins' });
  const xLabel = h('label', { class: 'ch-field' }, h('span', { class: 'muted' }, 'x'), xSelect);
  const yLabel = h('div', { class: 'ch-field' }, yPicker);
  const seriesLabel = h('label', { class: 'ch-field', title: 'Split y into one series per distinct value of this column' }, h('span', { class: 'muted' }, 'split by'), seriesSelect);
  // One click splits: a toggle per likely column (identifiers, text); the select keeps every column.
  const splitChips = h('div', { class: 'ch-splits', role: 'group', 'aria-label': 'Split by', 'data-testid': 'chart-split-chips' });
  const binsLabel = h('label', { class: 'ch-field', hidden: true }, h('span', { class: 'muted' }, 'bins'), binsInput);
  const status = h('span', { class: 'ch-status muted' });
  const pngButton = h('button', { class: 'btn small', disabled: true, title: 'Save the chart as PNG (2× resolution)' }, 'PNG');
  const svgButton = h('button', { class: 'btn small', disabled: true, title: 'Save the chart as SVG' }, 'SVG');
  const toolbar = h('div', { class: 'ch-toolbar', hidden: true }, kindGroup, xLabel, yLabel, seriesLabel, splitChips, binsLabel, h('span', { class: 'spacer' }), status, pngButton, svgButton);
  const chartEl = h('div', { class: 'ch-chart', 'data-testid': 'chart' });
  const message = h('div', { class: 'ch-message', hidden: true });
  const root = h('div', { class: 'ch-panel' }, toolbar, h('div', { class: 'ch-area' }, chartEl, message));
  host.append(root);

  let chart: ECharts | null = null;
  let result: QueryResultInfo | null = null;
  let spec: ChartSpec | null = null;
  let option: ChartOption | null = null;
  let pending = false;
  let token = 0;
  /** The chart as first drawn (whole x range), its request, and whether a zoomed detail is shown. */
  let overview: ChartData | null = null;
  let overviewRequest: ChartSpec | null = null;
  let detailShown = false;
  let zoomTimer: ReturnType<typeof setTimeout> | null = null;

  function say(text: string | null, kind: 'info' | 'error' = 'info'): void {
    message.hidden = text === null;
    message.textContent = text ?? '';
    message.dataset.kind = kind;
  }

  function ensureChart(): ECharts | null {
    if (chart) return chart;
    if (chartEl.clientWidth === 0 || chartEl.clientHeight === 0) return null;
    chart = echarts.init(chartEl, null, { renderer: 'canvas' });
    chart.on('datazoom', () => {
      if (zoomTimer !== null) clearTimeout(zoomTimer);
      zoomTimer = setTimeout(() => {
        zoomTimer = null;
        refine().catch((e: unknown) => say(errorMessage(e), 'error'));
      }, ZOOM_SETTLE_MS);
    });
    return chart;
  }

  function apply(): void {
    const c = ensureChart();
    if (!c) {
      pending = true;
      return;
    }
    pending = false;
    if (option) c.setOption(option, { notMerge: true, lazyUpdate: false });
    else c.clear();
  }

  function columns(): readonly QueryColumn[] {
    return result?.columns ?? [];
  }

  function syncControls(): void {
    toolbar.hidden = result === null;
    for (const [k, b] of kindButtons) b.setAttribute('aria-pressed', String(spec?.kind === k));
    const kind = spec?.kind ?? 'line';
    clear(xSelect);
    for (const c of xCandidates(kind, columns())) xSelect.append(h('option', { value: c.name, title: c.type }, c.name));
    xSelect.value = spec?.x ?? '';
    const hist = kind === 'histogram';
    yLabel.hidden = hist;
    seriesLabel.hidden = hist || kind === 'bar';
    binsLabel.hidden = !hist;
    clear(yList);
    const ys = yCandidates(columns(), spec?.x ?? null);
    for (const c of ys) {
      const box = h('input', { type: 'checkbox', value: c.name });
      box.checked = spec?.y.includes(c.name) ?? false;
      yList.append(h('label', { class: 'ch-y-item', title: c.type }, box, c.name));
    }
    if (ys.length === 0) yList.append(h('div', { class: 'muted' }, 'no numeric column'));
    ySummary.textContent = `y: ${spec?.y.length ? spec.y.join(', ') : '—'}`;
    clear(seriesSelect);
    seriesSelect.append(h('option', { value: '' }, '(none)'));
    for (const c of columns()) {
      if (c.name === spec?.x || spec?.y.includes(c.name)) continue;
      seriesSelect.append(h('option', { value: c.name, title: c.type }, c.name));
    }
    seriesSelect.value = spec?.series ?? '';
    clear(splitChips);
    splitChips.hidden = seriesLabel.hidden;
    for (const c of seriesLabel.hidden ? [] : splitCandidates(columns(), spec)) {
      const on = spec?.series === c.name;
      splitChips.append(h('button', {
        class: 'ch-split', 'aria-pressed': String(on), 'data-column': c.name,
        title: on ? `Stop splitting by ${c.name}` : `One series per value of ${c.name}`,
      }, c.name));
    }
    binsInput.value = String(spec?.bins ?? binsFor(chartEl.clientWidth || 800));
  }

  function describe(data: ChartData): string {
    const pts = `${formatCount(data.points)} point${data.points === 1 ? '' : 's'}`;
    if (data.kind === 'histogram') return `${formatCount(data.sourceRows)} rows in ${formatCount(data.series[0]?.x.length ?? 0)} bins`;
    return `${pts} of ${formatCount(data.sourceRows)} rows${data.sampled ? ' · downsampled' : ''}${data.series.length > 1 ? ` · ${data.series.length} series` : ''}`;
  }

  async function draw(): Promise<void> {
    const my = ++token;
    overview = null;
    overviewRequest = null;
    detailShown = false;
    syncControls();
    if (!result || !spec) return;
    const width = chartEl.clientWidth || root.clientWidth || 800;
    const seriesCount = spec.series ? SPLIT_SERIES_GUESS : Math.max(1, spec.y.length);
    const request: ChartSpec = {
      ...spec,
      maxPoints: pointsBudget(spec.kind, width, seriesCount),
      ...(spec.kind === 'histogram' ? { bins: spec.bins ?? binsFor(width) } : {}),
    };
    status.textContent = 'loading…';
    let data: ChartData;
    try {
      data = await client.call('chartData', { handle: result.handle, spec: request });
    } catch (e) {
      if (my !== token) return;
      status.textContent = '';
      option = null;
      apply();
      setExport(false);
      say(`Cannot chart this: ${errorMessage(e)}`, 'error');
      return;
    }
    if (my !== token) return;
    status.textContent = describe(data);
    status.title = data.sampled ? `The engine reduced ${formatCount(data.sourceRows)} rows to ${formatCount(data.points)} points for drawing (per series budget ${formatCount(request.maxPoints)}).` : '';
    if (data.points === 0 || data.series.length === 0) {
      option = null;
      apply();
      setExport(false);
      say(`Nothing to draw: ${spec.kind === 'histogram' ? `${spec.x} has no non-NULL values` : `no row has both ${spec.x} and ${spec.y.join(', ')}`}.`);
      return;
    }
    say(null);
    overview = data;
    overviewRequest = request;
    detailShown = false;
    option = buildChartOption(data);
    apply();
    setExport(true);
  }

  /**
   * After a zoom settles: ask the engine for the window's rows at full detail (line and scatter
   * charts that were downsampled), or go back to the overview when the whole range shows.
   */
  async function refine(): Promise<void> {
    const c = chart;
    const base = overview;
    const req = overviewRequest;
    if (!c || !base || !req || !result || (req.kind !== 'line' && req.kind !== 'scatter') || !base.sampled) return;
    const extent = xExtent(base);
    const dz = (c.getOption() as { dataZoom?: { start?: number; end?: number }[] }).dataZoom?.[0];
    const win = extent === null || dz === undefined ? null : zoomWindow(dz.start ?? 0, dz.end ?? 100, extent);
    const my = token;
    if (win === null) {
      if (detailShown) {
        detailShown = false;
        c.setOption({ animation: false, series: buildChartOption(base).series }, { lazyUpdate: false });
        status.textContent = describe(base);
      }
      return;
    }
    status.textContent = `${describe(base)} · loading detail…`;
    const detail = await client.call('chartData', { handle: result.handle, spec: { ...req, xRange: win } });
    if (my !== token || overview !== base) return;
    const merged = withDetail(base, detail, win[0], win[1]);
    c.setOption({ animation: false, series: buildChartOption(merged).series }, { lazyUpdate: false });
    detailShown = true;
    status.textContent = `${describe(base)} · ${formatCount(detail.points)} points in view${detail.sampled ? ' (downsampled)' : ' (every row)'}`;
  }

  function setExport(on: boolean): void {
    pngButton.disabled = !on;
    svgButton.disabled = !on;
  }

  function redraw(): void {
    draw().catch((e: unknown) => say(errorMessage(e), 'error'));
  }

  function changeKind(kind: ChartKind): void {
    const next = specForKind(kind, columns(), spec);
    if (!next) {
      spec = spec ? { ...spec } : null;
      say(kind === 'histogram' ? 'A histogram needs a numeric column.' : `A ${kind} chart needs a numeric column for y besides x.`);
      for (const [k, b] of kindButtons) b.setAttribute('aria-pressed', String(k === kind));
      return;
    }
    spec = next;
    redraw();
  }

  kindGroup.addEventListener('click', (ev) => {
    const b = (ev.target as HTMLElement).closest<HTMLElement>('.ch-kind');
    const kind = b?.dataset.kind as ChartKind | undefined;
    if (kind && result) changeKind(kind);
  });
  xSelect.addEventListener('change', () => {
    if (!spec) return;
    const y = spec.y.filter((n) => n !== xSelect.value);
    const next: ChartSpec = { ...spec, x: xSelect.value, y, series: spec.series === xSelect.value ? null : spec.series };
    spec = spec.kind !== 'histogram' && y.length === 0 ? specForKind(spec.kind, columns(), next) ?? next : next;
    redraw();
  });
  yList.addEventListener('change', () => {
    if (!spec) return;
    const y = [...yList.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value);
    if (y.length === 0) {
      syncControls();
      return;
    }
    spec = { ...spec, y, series: spec.series && y.includes(spec.series) ? null : spec.series };
    redraw();
  });
  seriesSelect.addEventListener('change', () => {
    if (!spec) return;
    spec = { ...spec, series: seriesSelect.value || null };
    redraw();
  });
  splitChips.addEventListener('click', (ev) => {
    const b = (ev.target as HTMLElement).closest<HTMLElement>('.ch-split');
    const name = b?.dataset.column;
    if (!spec || !name) return;
    spec = { ...spec, series: spec.series === name ? null : name };
    redraw();
  });
  binsInput.addEventListener('change', () => {
    if (!spec) return;
    const n = Math.round(Number(binsInput.value));
    if (!Number.isFinite(n) || n < 2) return;
    spec = { ...spec, bins: Math.min(1000, n) };
    redraw();
  });
  const fileName = () => (spec ? `qtw-${spec.kind}-${[...spec.y, spec.x].join('-')}` : 'qtw-chart').replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80);
  pngButton.addEventListener('click', () => {
    if (chart && option) exportPng(chart, fileName());
  });
  svgButton.addEventListener('click', () => {
    if (chart && option) exportSvg(chart, option, chartEl.clientWidth || 900, chartEl.clientHeight || 500, fileName());
  });
  // A click outside closes the y picker, as a select would.
  const closePicker = (ev: MouseEvent) => {
    if (yPicker.open && !yPicker.contains(ev.target as Node)) yPicker.open = false;
  };
  document.addEventListener('mousedown', closePicker);

  const ro = new ResizeObserver(() => {
    if (pending) apply();
    else chart?.resize();
  });
  ro.observe(chartEl);

  return {
    currentSpec() {
      return spec && option ? spec : null;
    },
    async show(r) {
      const my = ++token;
      result = r;
      spec = null;
      option = null;
      overview = null;
      setExport(false);
      apply();
      status.textContent = '';
      syncControls();
      if (r.rowCount === 0) {
        toolbar.hidden = true;
        say('The result has no rows to chart.');
        return;
      }
      say('Choosing a chart…');
      let suggestion;
      try {
        suggestion = await client.call('suggestChart', { handle: r.handle });
      } catch (e) {
        if (my !== token) return;
        say(`Cannot chart this result: ${errorMessage(e)}`, 'error');
        return;
      }
      if (my !== token) return;
      spec = suggestion.spec;
      status.title = suggestion.reason;
      if (!spec) {
        syncControls();
        const numeric = yCandidates(r.columns, null).length > 0;
        say(numeric
          ? `No chart suggested: ${suggestion.reason}. Pick a kind above.`
          : `Nothing numeric to chart (${suggestion.reason}). Count or measure something, e.g. SELECT name, count(*) AS n FROM events GROUP BY name.`);
        return;
      }
      say(null);
      await draw();
    },
    clear() {
      token++;
      result = null;
      spec = null;
      option = null;
      overview = null;
      setExport(false);
      status.textContent = '';
      toolbar.hidden = true;
      say(null);
      apply();
    },
    resize() {
      if (pending) apply();
      else chart?.resize();
    },
    dispose() {
      token++;
      if (zoomTimer !== null) clearTimeout(zoomTimer);
      ro.disconnect();
      document.removeEventListener('mousedown', closePicker);
      chart?.dispose();
      chart = null;
      root.remove();
    },
  };
}
