// ChartData → an ECharts option. Pure (no DOM, no echarts runtime) so the mapping is unit-tested:
// which axis type, which series options keep a million-row result interactive, and how times
// are labelled.
import type { BarSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { DataZoomComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { ChartData, ChartSeries } from '../../src-main/contract.ts';
import { PALETTE } from './palette.ts';

export type ChartOption = ComposeOption<
  LineSeriesOption | ScatterSeriesOption | BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | DataZoomComponentOption
>;

/** Colours of the workbench's dark UI (styles/app.css), repeated here for the canvas. */
export const THEME = {
  bg: '#16181c',
  panel: '#2a2e35',
  fg: '#d4d7dd',
  dim: '#8b919c',
  faint: '#5d636e',
  line: '#30343b',
  split: '#24272d',
  accent: '#3d8bfd',
  font: "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Roboto, sans-serif",
  /** The page palette (palette.ts): up to 20 series apart. */
  palette: PALETTE,
} as const;

/** Float ms below this (1980-01-01) are not wall-clock times: a monotonic or kernel clock. */
const EPOCH_MS_THRESHOLD = 315_532_800_000;
/** Above this many points, symbols and animation cost more than they show. */
const SYMBOL_LIMIT = 300;
const ANIMATION_LIMIT = 2_000;

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/**
 * `2026-11-25 12:34:56.789012` (UTC) from float ms since the epoch. Float ms of a 2020s date
 * carry ~0.2 µs of precision, so six fractional digits are honest and nine would not be.
 */
export function formatEpochMs(ms: number): string {
  const whole = Math.floor(ms);
  let micros = Math.round((ms - whole) * 1000);
  let base = whole;
  if (micros === 1000) {
    base += 1;
    micros = 0;
  }
  const d = new Date(base);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}${pad(micros, 3)}`;
}

/** Seconds for monotonic-clock x values given in ms: `12.345678 s`. */
export function formatClockMs(ms: number): string {
  return `${(ms / 1000).toFixed(6)} s`;
}

/**
 * Numbers for axis labels: short. Integers keep every digit (nanosecond timestamps and
 * addresses differ only in their last ones); exponents only for tiny or huge fractions.
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a >= 1e15 || (a > 0 && a < 1e-4)) return v.toExponential(3);
  return Number(v.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** Every digit a double holds, for labels that must tell close values apart. */
function exactNumber(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumSignificantDigits: 17 });
}

/**
 * Category labels of bar and histogram x values: as a time for time columns, else short numbers;
 * but every digit when the short forms would merge distinct values (histogram bins of epoch
 * times a few ms apart), since a category axis counts equal labels as one bar.
 */
export function categoryLabeller(data: ChartData): (x: number | string) => string {
  const nice =
    data.xType === 'time' ? (v: number) => (v >= EPOCH_MS_THRESHOLD ? formatEpochMs(v) : formatClockMs(v)) : formatNumber;
  const values = new Set<number>();
  const labels = new Set<string>();
  for (const s of data.series) {
    for (const x of s.x) {
      if (typeof x !== 'number') continue;
      values.add(x);
      labels.add(nice(x));
    }
  }
  const f = labels.size === values.size ? nice : exactNumber;
  return (x) => (typeof x === 'number' ? f(x) : x);
}

export type XMode = 'time' | 'clock' | 'value' | 'category';

/** Time columns whose values are not wall-clock epochs are shown as seconds on a value axis. */
export function xModeOf(data: ChartData): XMode {
  if (data.kind === 'bar' || data.kind === 'histogram' || data.xType === 'category') return 'category';
  if (data.xType === 'time') {
    let max = -Infinity;
    for (const s of data.series) for (const x of s.x) if (typeof x === 'number' && x > max) max = x;
    return max >= EPOCH_MS_THRESHOLD || max === -Infinity ? 'time' : 'clock';
  }
  return 'value';
}

/** Category labels across all series in first-seen order (series of a bar chart may differ). */
export function categoriesOf(series: readonly ChartSeries[], label: (x: number | string) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of series) {
    for (const x of s.x) {
      const k = label(x);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(k);
      }
    }
  }
  return out;
}

/** x/y pairs interleaved in one typed array: what ECharts' large scatter mode reads fastest. */
export function interleave(s: ChartSeries): Float64Array {
  const n = Math.min(s.x.length, s.y.length);
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const x = s.x[i];
    out[2 * i] = typeof x === 'number' ? x : Number(x);
    out[2 * i + 1] = s.y[i]!;
  }
  return out;
}

function pairs(s: ChartSeries): [number | string, number][] {
  const n = Math.min(s.x.length, s.y.length);
  const out: [number | string, number][] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = [s.x[i]!, s.y[i]!];
  return out;
}

interface TooltipParam {
  readonly marker?: string;
  readonly seriesName?: string;
  readonly value?: unknown;
  readonly data?: unknown;
  readonly axisValue?: unknown;
  readonly name?: string;
  readonly dataIndex?: number;
}

function valueOf(p: TooltipParam, dim: 0 | 1): unknown {
  const v = Array.isArray(p.value) ? p.value : Array.isArray(p.data) ? p.data : null;
  if (v) return v[dim];
  return dim === 1 ? p.value : p.name;
}

export function xLabelFormatter(mode: XMode): (v: unknown) => string {
  switch (mode) {
    case 'time': return (v) => (typeof v === 'number' ? formatEpochMs(v) : String(v));
    case 'clock': return (v) => (typeof v === 'number' ? formatClockMs(v) : String(v));
    case 'value': return (v) => (typeof v === 'number' ? formatNumber(v) : String(v));
    case 'category': return (v) => String(v);
  }
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

type AxisStyle = {
  axisLine: { lineStyle: { color: string } };
  axisTick: { lineStyle: { color: string } };
  axisLabel: { color: string; hideOverlap: boolean };
  nameTextStyle: { color: string };
};

function xAxisFor(mode: XMode, name: string, categories: string[] | null, style: AxisStyle): ChartOption['xAxis'] {
  const common = { name, nameLocation: 'middle' as const, nameGap: 26, ...style, splitLine: { show: false } };
  switch (mode) {
    case 'time': return { type: 'time', ...common };
    case 'category': return { type: 'category', data: categories ?? [], ...common };
    case 'clock': return { type: 'value', scale: true, ...common, axisLabel: { ...style.axisLabel, formatter: (v: number) => formatClockMs(v) } };
    case 'value': return { type: 'value', scale: true, ...common, axisLabel: { ...style.axisLabel, formatter: (v: number) => formatNumber(v) } };
  }
}

export function buildChartOption(data: ChartData): ChartOption {
  const mode = xModeOf(data);
  const xFmt = xLabelFormatter(mode);
  const points = data.series.reduce((n, s) => n + s.y.length, 0);
  const axisCommon = {
    axisLine: { lineStyle: { color: THEME.line } },
    axisTick: { lineStyle: { color: THEME.line } },
    axisLabel: { color: THEME.dim, hideOverlap: true },
    nameTextStyle: { color: THEME.dim },
    splitLine: { lineStyle: { color: THEME.split } },
  };
  const binLabel = categoryLabeller(data);
  const categories = mode === 'category' ? categoriesOf(data.series, binLabel) : null;

  const series = data.series.map((s): LineSeriesOption | ScatterSeriesOption | BarSeriesOption => {
    switch (data.kind) {
      case 'line':
        return {
          type: 'line', name: s.name, data: pairs(s), showSymbol: s.y.length <= SYMBOL_LIMIT, symbolSize: 4,
          lineStyle: { width: 1.25 }, sampling: 'lttb', emphasis: { disabled: points > ANIMATION_LIMIT }, connectNulls: false,
        };
      case 'scatter': {
        const big = s.y.length > 5_000;
        return {
          type: 'scatter', name: s.name, data: interleave(s), dimensions: ['x', 'y'], symbolSize: big ? 2 : 5,
          large: true, largeThreshold: 5_000, progressive: 20_000, progressiveThreshold: 50_000,
          itemStyle: { opacity: big ? 0.6 : 0.85 },
        };
      }
      case 'bar':
      case 'histogram': {
        const byCat = new Map<string, number>();
        for (let i = 0; i < s.y.length; i++) byCat.set(binLabel(s.x[i]!), s.y[i]!);
        return {
          type: 'bar', name: s.name, data: (categories ?? []).map((c) => byCat.get(c) ?? null),
          barCategoryGap: data.kind === 'histogram' ? '4%' : '20%', large: (categories?.length ?? 0) > 2_000,
        };
      }
    }
  });

  const tooltipFormatter = (raw: unknown): string => {
    const ps = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
    if (ps.length === 0) return '';
    const first = ps[0]!;
    const head = mode === 'category' ? String(first.name ?? first.axisValue ?? '') : xFmt(first.axisValue ?? valueOf(first, 0));
    const lines = ps.map((p) => {
      const y = valueOf(p, 1);
      return `${p.marker ?? ''}${esc(p.seriesName ?? '')}&nbsp;&nbsp;<b>${typeof y === 'number' ? formatNumber(y) : esc(String(y))}</b>`;
    });
    const title = data.kind === 'histogram' ? `${esc(data.xName)} bin ${esc(head)}` : `${esc(data.xName)} ${esc(head)}`;
    return `<div style="font-family:monospace">${title}</div>${lines.join('<br/>')}`;
  };

  // 'filter' would let the y axis follow the zoom, but on float-ms time axes it drops the points
  // at the very ends of the data (rounding at the extent), so a line lost its first and last
  // segments. Categories are indices: filtering them is exact.
  const zoomFilter = mode === 'category' ? 'filter' : 'none';
  return {
    animation: points <= ANIMATION_LIMIT,
    useUTC: true,
    backgroundColor: 'transparent',
    color: [...THEME.palette],
    textStyle: { color: THEME.fg, fontFamily: THEME.font },
    grid: { left: 16, right: 28, top: data.series.length > 1 ? 40 : 28, bottom: 64, containLabel: true },
    legend: {
      show: data.series.length > 1, type: 'scroll', top: 6, left: 'center', textStyle: { color: THEME.fg },
      pageIconColor: THEME.dim, pageIconInactiveColor: THEME.faint, pageTextStyle: { color: THEME.dim },
    },
    tooltip: {
      trigger: data.kind === 'scatter' ? 'item' : 'axis', confine: true,
      backgroundColor: THEME.panel, borderColor: THEME.line, textStyle: { color: THEME.fg, fontSize: 12 },
      axisPointer: { type: data.kind === 'line' ? 'line' : 'shadow', lineStyle: { color: THEME.faint } },
      formatter: tooltipFormatter,
    },
    xAxis: xAxisFor(mode, data.xName, categories, axisCommon),
    yAxis: {
      type: 'value', name: data.yName, scale: data.kind === 'line' || data.kind === 'scatter',
      ...axisCommon,
      nameTextStyle: { color: THEME.dim, align: 'left' },
      axisLabel: { ...axisCommon.axisLabel, formatter: (v: number) => formatNumber(v) },
    },
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: zoomFilter, throttle: 50 },
      {
        type: 'slider', xAxisIndex: 0, height: 18, bottom: 10, filterMode: zoomFilter,
        borderColor: THEME.line, backgroundColor: 'rgba(255,255,255,0.02)', fillerColor: 'rgba(61,139,253,0.18)',
        textStyle: { color: THEME.dim }, handleStyle: { color: THEME.dim, borderColor: THEME.line },
        dataBackground: { lineStyle: { color: THEME.faint }, areaStyle: { color: 'rgba(255,255,255,0.04)' } },
        labelFormatter: (_v: number, s: string) => (mode === 'time' ? formatEpochMs(Number(_v)).slice(11) : mode === 'clock' ? formatClockMs(Number(_v)) : s),
      },
    ],
    series,
  };
}
