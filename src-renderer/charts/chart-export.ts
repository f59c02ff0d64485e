// PNG and SVG of the chart as shown. The PNG comes from the live canvas at twice its resolution;
// the SVG from a throw-away instance with the SVG renderer, so the display stays on canvas.
import type { ChartOption } from './chart-option.ts';
import { THEME } from './chart-option.ts';
import { echarts, type ECharts } from './echarts-setup.ts';

function download(name: string, href: string, revoke: boolean): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  if (revoke) setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export function exportPng(chart: ECharts, name: string): void {
  download(`${name}.png`, chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: THEME.bg, excludeComponents: ['dataZoom'] }), false);
}

/** The live chart's zoom window (percent of the x range), so the SVG shows what is on screen. */
function zoomOf(chart: ECharts): { start: number; end: number } {
  const dz = (chart.getOption() as { dataZoom?: { start?: number; end?: number }[] }).dataZoom?.[0];
  return { start: dz?.start ?? 0, end: dz?.end ?? 100 };
}

export function exportSvg(chart: ECharts, option: ChartOption, width: number, height: number, name: string): void {
  const el = document.createElement('div');
  el.style.cssText = `position:fixed;left:-10000px;top:0;width:${width}px;height:${height}px`;
  document.body.append(el);
  const svg = echarts.init(el, null, { renderer: 'svg', width, height });
  try {
    // Progressive rendering would leave the SVG with only its first chunk.
    const series = (Array.isArray(option.series) ? option.series : option.series ? [option.series] : []).map((s) => ({ ...s, progressive: 0 }));
    const zoom = zoomOf(chart);
    // No slider in a picture; keep the zoomed window with an inside zoom instead.
    const dataZoom = [{ type: 'inside' as const, xAxisIndex: 0, filterMode: 'none' as const, ...zoom }];
    const grid = { ...(option.grid as object), bottom: 16 };
    svg.setOption({ ...option, animation: false, backgroundColor: THEME.bg, series, dataZoom, grid } as ChartOption);
    const text = svg.renderToSVGString();
    download(`${name}.svg`, URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' })), true);
  } finally {
    svg.dispose();
    el.remove();
  }
}
