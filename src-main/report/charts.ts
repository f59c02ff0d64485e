// Charts rendered without a window: ECharts server-side rendering to SVG, then resvg to PNG with
// the bundled DejaVu Sans only (no system fonts), so that a PNG is byte-identical on every machine.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';
import * as echarts from 'echarts';
import { Resvg } from '@resvg/resvg-js';
import type { ChartData } from '../contract.ts';

/**
 * Series colours of a report chart (white page, printed or pasted into a tracker): 20 that stay
 * apart on white, so a split into up to 20 series never repeats one (ECharts' default has 9).
 * Source blue and destination orange first, as in the app.
 */
export const REPORT_PALETTE: readonly string[] = [
  '#1f6fc5', '#e07b00', '#2a9d4b', '#d62f2f', '#8a4fd1', '#b8950a', '#0e9aa5', '#d0479b', '#7b5a33', '#666666',
  '#6aa514', '#5b8fd9', '#f0a35e', '#5fc27f', '#ef7d7d', '#b08de0', '#134e8c', '#a34f00', '#1c6b35', '#8f1f1f',
];

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 400;
const FONT_FAMILY = 'DejaVu Sans';

export const FONT_FILE = path.join(PACKAGE_ROOT, 'resources/fonts/DejaVuSans.ttf');

let fontPath: string | null = null;

/**
 * resvg reads font files natively, which cannot see inside an Electron .asar archive; there the
 * font (read through Electron's fs) is copied to a private temp file once.
 */
function fontFile(): string {
  if (fontPath !== null) return fontPath;
  if (!/\.asar[\\/]/.test(FONT_FILE)) return (fontPath = FONT_FILE);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qtw-font-'));
  const copy = path.join(dir, path.basename(FONT_FILE));
  writeFileSync(copy, readFileSync(FONT_FILE));
  return (fontPath = copy);
}

type Label = (s: string) => string;

/**
 * What a redacted chart must not show: axes of pointer columns lose their tick labels (ticks
 * would give the address range away), and category or series labels that are pointers show as
 * their placeholders (`pointer`).
 */
export interface ChartMasks {
  readonly x: boolean;
  readonly y: boolean;
  readonly series: boolean;
  readonly pointer: Label;
}

const HIDDEN = ' (pointers: values hidden)';

function chartOption(data: ChartData, title: string, label: Label, masks: ChartMasks | null): echarts.EChartsCoreOption {
  const category = data.xType === 'category';
  const series = data.series.map((s) => {
    const name = masks?.series ? masks.pointer(s.name) : label(s.name);
    if (data.kind === 'bar') return { type: 'bar', name, data: s.y.slice() };
    if (data.kind === 'histogram') return { type: 'bar', name, data: s.x.map((x, i) => [x, s.y[i]]), barWidth: '90%' };
    return {
      type: data.kind === 'scatter' ? 'scatter' : 'line',
      name,
      showSymbol: data.kind === 'scatter',
      symbolSize: 4,
      data: s.x.map((x, i) => [x, s.y[i]]),
    };
  });
  const maskX = masks !== null && masks.x;
  const maskY = masks !== null && masks.y;
  const categories = category ? (data.series[0]?.x ?? []).map((x) => (maskX ? (masks as ChartMasks).pointer(String(x)) : label(String(x)))) : undefined;
  const hideX = maskX && !category;
  return {
    animation: false,
    useUTC: true,
    backgroundColor: '#ffffff',
    color: [...REPORT_PALETTE],
    textStyle: { fontFamily: FONT_FAMILY },
    title: { text: label(title), left: 'center', top: 6, textStyle: { fontSize: 14, fontFamily: FONT_FAMILY } },
    legend: data.series.length > 1 ? { top: 28, type: 'plain', textStyle: { fontFamily: FONT_FAMILY } } : undefined,
    grid: { left: 70, right: 50, top: data.series.length > 1 ? 70 : 45, bottom: 55 },
    xAxis: {
      type: data.kind === 'histogram' ? 'value' : category ? 'category' : data.xType,
      name: label(data.xName) + (hideX ? HIDDEN : ''),
      nameLocation: 'middle',
      nameGap: 30,
      data: categories,
      scale: !category,
      axisLabel: { show: !hideX, fontFamily: FONT_FAMILY, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      name: data.series.length > 1 ? (maskY ? HIDDEN.trim() : '') : label(data.yName) + (maskY ? HIDDEN : ''),
      // Left-aligned at the axis: centred on it, a long name ran off the image's left edge.
      nameTextStyle: { align: 'left' },
      scale: data.kind !== 'bar' && data.kind !== 'histogram',
      axisLabel: { show: !maskY, fontFamily: FONT_FAMILY },
    },
    series,
  };
}

/** The chart as standalone SVG markup. */
export function chartSvg(data: ChartData, title: string, label: Label = (s) => s, masks: ChartMasks | null = null): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption(chartOption(data, title, label, masks));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The same SVG for inlining in HTML5: no namespace URLs (inline SVG needs none), so the page names no URL at all. */
export function inlineSvg(svg: string, idPrefix: string): string {
  // ECharts names clip paths and classes "zr<N>-..." per renderer; in one page with several
  // charts they would collide, so each chart gets its own prefix.
  return svg
    .replace(/\s+xmlns(?::\w+)?="[^"]*"/g, '')
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/\bzr(\d+)-/g, `${idPrefix}zr$1-`);
}

export function svgToPng(svg: string): Buffer {
  const r = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: [fontFile()], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    background: '#ffffff',
    fitTo: { mode: 'original' },
  });
  return r.render().asPng();
}
