// The Fleet's box plots: one box per group (QEMU version or label pattern), whiskers to the
// farthest runs inside Tukey's fences, and the runs outside them as points that open their run.
import type { EChartsCoreOption } from 'echarts/core';
import { BoxplotChart } from 'echarts/charts';
import { echarts } from '../charts/echarts-setup.ts';
import type { BoxStats } from './fleet-model.ts';

echarts.use([BoxplotChart]);

export { echarts };
export type { ECharts } from '../charts/echarts-setup.ts';

const AXIS = { axisLine: { lineStyle: { color: '#5d636e' } }, axisLabel: { color: '#8b919c' }, splitLine: { lineStyle: { color: '#2a2e35' } }, nameTextStyle: { color: '#8b919c' } };

const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** `labels`: run id → label, for the outliers' tooltips. */
export function boxPlotOption(stats: readonly BoxStats[], unit: string, labels: ReadonlyMap<number, string>): EChartsCoreOption {
  const many = stats.length > 6;
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { color: '#d4d7dd', fontSize: 11 },
    grid: { left: 64, right: 16, top: 28, bottom: 40 },
    tooltip: {
      trigger: 'item', backgroundColor: '#212429', borderColor: '#30343b', textStyle: { color: '#d4d7dd' },
      formatter: (p: { seriesType: string; dataIndex: number; value: number[] | [number, number, number] }) => {
        if (p.seriesType === 'boxplot') {
          const s = stats[p.dataIndex]!;
          return `${s.group} (${s.n} run${s.n === 1 ? '' : 's'})<br>median ${fmt(s.median)} ${unit}<br>Q1 ${fmt(s.q1)} · Q3 ${fmt(s.q3)}<br>whiskers ${fmt(s.whiskerLow)} – ${fmt(s.whiskerHigh)}<br>outliers: ${s.outliers.length}`;
        }
        const [, value, runId] = p.value as [number, number, number];
        const odd = stats.some((s) => s.outliers.some((o) => o.runId === runId));
        return `run #${runId} ${labels.get(runId) ?? ''}<br>${fmt(value)} ${unit}${odd ? ' · outside the usual range' : ''}<br>click to open`;
      },
    },
    xAxis: { type: 'category', data: stats.map((s) => `${s.group} (${s.n})`), ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 0, rotate: many ? 30 : 0 } },
    yAxis: { type: 'value', name: unit, scale: true, ...AXIS },
    series: [
      {
        name: 'runs', type: 'boxplot',
        itemStyle: { color: 'rgba(61, 139, 253, 0.25)', borderColor: '#3d8bfd' },
        data: stats.map((s) => [s.whiskerLow, s.q1, s.median, s.q3, s.whiskerHigh]),
      },
      {
        name: 'runs', type: 'scatter', symbolSize: 6, cursor: 'pointer',
        itemStyle: { color: 'rgba(212, 215, 221, 0.55)' },
        data: stats.flatMap((s, i) => s.points.filter((p) => !s.outliers.some((o) => o.runId === p.runId)).map((p) => [i, p.value, p.runId])),
      },
      {
        name: 'outliers', type: 'scatter', symbolSize: 9, cursor: 'pointer',
        itemStyle: { color: '#f0616d' },
        data: stats.flatMap((s, i) => s.outliers.map((o) => [i, o.value, o.runId])),
      },
    ],
  };
}
