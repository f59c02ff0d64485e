// A zoomed chart's window gets the engine's full-detail points; the overview stays outside it.
import { describe, expect, it } from 'vitest';
import type { ChartData } from '../../../../src-main/contract.ts';
import { withDetail, xExtent, zoomWindow } from '../../../../src-renderer/charts/chart-detail.ts';

function chart(series: { name: string; x: number[] }[]): ChartData {
  return {
    kind: 'line',
    xType: 'value',
    xName: 'x',
    yName: 'y',
    series: series.map((s) => ({ name: s.name, x: s.x, y: s.x.map((v) => v * 10) })),
    sourceRows: 1000,
    points: series.reduce((n, s) => n + s.x.length, 0),
    sampled: true,
  };
}

describe('chart detail', () => {
  it('finds the extent and the zoom window, none when (nearly) all shows', () => {
    const o = chart([{ name: 'a', x: [0, 50, 100] }, { name: 'b', x: [-20, 10] }]);
    expect(xExtent(o)).toEqual([-20, 100]);
    expect(xExtent(chart([]))).toBeNull();
    expect(zoomWindow(25, 50, [0, 200])).toEqual([50, 100]);
    expect(zoomWindow(50, 25, [0, 200])).toEqual([50, 100]);
    expect(zoomWindow(0.5, 99.5, [0, 200])).toBeNull();
    expect(zoomWindow(10, 20, [5, 5])).toBeNull();
    expect(zoomWindow(NaN, 20, [0, 1])).toBeNull();
  });

  it('replaces the overview inside the window, series by series, and keeps it outside', () => {
    const o = chart([{ name: 'a', x: [0, 20, 40, 60, 80, 100] }, { name: 'b', x: [0, 50, 100] }]);
    const d = chart([{ name: 'a', x: [30, 31, 32, 33] }, { name: 'c', x: [35] }]);
    const m = withDetail(o, d, 30, 70);
    expect(m.series.map((s) => s.name)).toEqual(['a', 'b']);
    expect(m.series[0].x).toEqual([0, 20, 30, 31, 32, 33, 80, 100]);
    expect(m.series[0].y).toEqual([0, 200, 300, 310, 320, 330, 800, 1000]);
    // No detail for b in the window: its overview point there is gone, the rest stays.
    expect(m.series[1].x).toEqual([0, 100]);
    expect(m.points).toBe(10);
    expect(m.sourceRows).toBe(1000);
  });
});
