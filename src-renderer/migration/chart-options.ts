// ECharts options for the Migration charts, from the rows of their queries. Pure (no DOM), so
// the shapes are unit-tested on real workspaces.
import type { EChartsCoreOption } from 'echarts/core';
import { num, str, type Row } from './query-rows.ts';
import { PALETTE, pageColors, SIDE_COLOR as SIDES } from '../charts/palette.ts';

const AXIS = { axisLine: { lineStyle: { color: '#5d636e' } }, axisLabel: { color: '#8b919c' }, splitLine: { lineStyle: { color: '#2a2e35' } }, nameTextStyle: { color: '#8b919c' } };
const BASE = {
  backgroundColor: 'transparent',
  animation: false,
  // The page palette (charts/palette.ts): 20 series before a colour repeats.
  color: [...PALETTE],
  textStyle: { color: '#d4d7dd', fontSize: 11 },
  tooltip: { trigger: 'axis', backgroundColor: '#212429', borderColor: '#30343b', textStyle: { color: '#d4d7dd' } },
  legend: { top: 0, textStyle: { color: '#8b919c' } },
  grid: { left: 64, right: 16, top: 28, bottom: 36 },
};
const SIDE_COLOR: Record<string, string> = { ...SIDES };
const STATE_COLOR: Record<string, string> = {
  none: '#3a3f47', setup: '#8b6fd6', active: '#3d8bfd', 'pre-switchover': '#b07bd6', device: '#e0a84a',
  'postcopy-active': '#e06a9a', 'postcopy-paused': '#f0616d', 'postcopy-recover': '#d07a5a', completed: '#4cc38a',
  failed: '#f0616d', cancelling: '#c0575f', cancelled: '#a0464d', colo: '#5ac0c0', 'wait-unplug': '#7a8aa0',
};

export interface StateInterval {
  readonly lane: string;
  readonly state: string;
  readonly startMs: number;
  readonly endMs: number;
}

export function stateIntervals(rows: readonly Row[]): StateInterval[] {
  const out: StateInterval[] = [];
  for (const r of rows) {
    const start = num(r.start_ms);
    const end = num(r.end_ms);
    const state = str(r.state);
    if (start === null || end === null || state === null) continue;
    out.push({ lane: `${str(r.side) ?? '?'} #${str(r.trace_id) ?? '?'}`, state, startMs: start, endMs: end });
  }
  return out;
}

interface RenderApi {
  value(dim: number): number;
  coord(v: [number, number]): [number, number];
  size(v: [number, number]): [number, number];
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * Where the timeline's axis ends: a little after the last terminal state change, so the seconds
 * a trace goes on recording after the migration do not squeeze the migration itself (terminal
 * boxes run off the edge; their full length is the query's duration_ms).
 */
export function timelineFocusEndMs(iv: readonly StateInterval[]): number | null {
  if (iv.length === 0) return null;
  const ends = iv.map((i) => (TERMINAL.has(i.state) ? i.startMs : i.endMs));
  const last = Math.max(...ends);
  const all = Math.max(...iv.map((i) => i.endMs));
  return last > 0 && last < all ? last * 1.08 : null;
}

/** One horizontal lane per trace (source lanes first), one coloured box per state interval. */
export function stateTimelineOption(rows: readonly Row[]): EChartsCoreOption {
  const iv = stateIntervals(rows);
  const lanes = [...new Set(iv.map((i) => i.lane))];
  const states = [...new Set(iv.map((i) => i.state))];
  const focusEnd = timelineFocusEndMs(iv);
  return {
    ...BASE,
    tooltip: { trigger: 'item', backgroundColor: '#212429', borderColor: '#30343b', textStyle: { color: '#d4d7dd' } },
    legend: { show: false },
    grid: { left: 76, right: 16, top: 10, bottom: 36 },
    xAxis: {
      type: 'value', name: 'ms since migrate (source clock)', nameLocation: 'middle', nameGap: 22,
      // A destination's -incoming wait before the migrate command is cut to a sliver left of 0.
      min: focusEnd !== null ? Math.floor(-0.04 * focusEnd) : 'dataMin',
      ...(focusEnd !== null ? { max: Math.ceil(focusEnd) } : {}), ...AXIS,
    },
    yAxis: { type: 'category', data: lanes, inverse: true, ...AXIS },
    series: [
      {
        type: 'custom',
        clip: true,
        encode: { x: [0, 1], y: 2 },
        data: iv.map((i) => ({
          name: i.state,
          value: [i.startMs, i.endMs, lanes.indexOf(i.lane), states.indexOf(i.state), i.endMs - i.startMs],
          itemStyle: { color: STATE_COLOR[i.state] ?? '#7a8aa0' },
        })),
        tooltip: { formatter: (p: { name: string; value: number[] }) => `${p.name}<br/>${p.value[0]!.toFixed(3)} → ${p.value[1]!.toFixed(3)} ms<br/>${p.value[4]!.toFixed(3)} ms` },
        renderItem: (_params: unknown, api: RenderApi) => {
          const lane = api.value(2);
          const [x0, y] = api.coord([api.value(0), lane]);
          const [x1] = api.coord([api.value(1), lane]);
          const h = api.size([0, 1])[1] * 0.6;
          return {
            type: 'group',
            children: [
              { type: 'rect', shape: { x: x0, y: y - h / 2, width: Math.max(x1 - x0, 1.5), height: h }, style: { fill: STATE_COLOR[states[api.value(3)] ?? ''] ?? '#7a8aa0' } },
              ...(x1 - x0 > 48 ? [{ type: 'text', style: { x: x0 + 4, y, text: states[api.value(3)] ?? '', fill: '#111', font: '11px sans-serif', verticalAlign: 'middle' } }] : []),
            ],
          };
        },
      },
    ],
  };
}

function groupBy(rows: readonly Row[], key: string): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const k = str(r[key]) ?? '?';
    const list = m.get(k) ?? [];
    list.push(r);
    m.set(k, list);
  }
  return m;
}

export function dirtyPagesOption(rows: readonly Row[], iterCol: string, dirtyCol: string): EChartsCoreOption {
  const bySide = groupBy(rows, 'side');
  const iters = [...new Set(rows.map((r) => num(r[iterCol])).filter((x): x is number => x !== null))].sort((a, b) => a - b);
  return {
    ...BASE,
    xAxis: { type: 'category', name: 'sync', nameLocation: 'middle', nameGap: 22, data: iters.map(String), ...AXIS },
    yAxis: { type: 'value', name: 'dirty pages', ...AXIS },
    series: [...bySide].map(([side, rs]) => ({
      type: 'bar',
      name: side,
      itemStyle: { color: SIDE_COLOR[side] },
      data: iters.map((i) => num(rs.find((r) => num(r[iterCol]) === i)?.[dirtyCol]) ?? null),
    })),
  };
}

export function throughputOption(rows: readonly Row[]): EChartsCoreOption {
  return {
    ...BASE,
    xAxis: { type: 'value', name: 'ms since migrate (source clock)', nameLocation: 'middle', nameGap: 22, ...AXIS },
    yAxis: { type: 'value', name: 'Mb/s', ...AXIS },
    series: [...groupBy(rows, 'side')].map(([side, rs]) => ({
      type: 'line',
      name: side,
      step: 'end',
      showSymbol: rs.length < 60,
      itemStyle: { color: SIDE_COLOR[side] },
      data: rs.map((r) => [num(r.t_ms), num(r.mbps)]),
    })),
  };
}

/** Multifd lanes: one step line of Mb/s per (side, channel) over the shared time axis. */
export function multifdLanesOption(rows: readonly Row[]): EChartsCoreOption {
  return {
    ...BASE,
    legend: { top: 0, type: 'scroll', textStyle: { color: '#8b919c' } },
    grid: { ...BASE.grid, top: 44 },
    xAxis: { type: 'value', name: 'ms since migrate (source clock)', nameLocation: 'middle', nameGap: 22, ...AXIS },
    yAxis: { type: 'value', name: 'Mb/s', nameGap: 8, ...AXIS },
    series: [...groupBy(rows, 'lane')].map(([lane, rs]) => ({
      type: 'line',
      name: lane,
      step: 'end',
      showSymbol: false,
      lineStyle: { width: 1.2, type: lane.startsWith('dst') ? 'dashed' : 'solid' },
      data: rs.map((r) => [num(r.t_ms), num(r.mbps)]),
    })),
  };
}

/** One bar group per (side, channel); one series per measure the view has. */
export function multifdOption(rows: readonly Row[], measures: readonly string[]): EChartsCoreOption {
  const cats = rows.map((r) => `${str(r.side) ?? '?'} ch${str(r.channel) ?? '?'}`);
  const shown = measures.slice(0, 2);
  return {
    ...BASE,
    xAxis: { type: 'category', data: cats, ...AXIS },
    yAxis: shown.map((m, i) => ({ type: 'value', name: m, position: i === 0 ? 'left' : 'right', ...AXIS, splitLine: { show: i === 0, lineStyle: { color: '#2a2e35' } } })),
    grid: { ...BASE.grid, right: shown.length > 1 ? 64 : 16 },
    series: shown.map((m, i) => ({ type: 'bar', name: m, yAxisIndex: i, data: rows.map((r) => num(r[m])) })),
  };
}

export function latencyHistogramOption(rows: readonly Row[]): EChartsCoreOption {
  const label = (us: number) => (us >= 1000 ? `≥${us / 1000} ms` : `≥${us} µs`);
  return {
    ...BASE,
    legend: { show: false },
    xAxis: { type: 'category', name: 'resolution latency', nameLocation: 'middle', nameGap: 22, data: rows.map((r) => label(num(r.from_us) ?? 0)), ...AXIS },
    yAxis: { type: 'value', name: 'faults', ...AXIS },
    series: [{ type: 'bar', name: 'faults', itemStyle: { color: '#e06a9a' }, data: rows.map((r) => num(r.faults)) }],
  };
}

export function downtimeOption(rows: readonly Row[]): EChartsCoreOption {
  const shown = [...rows].reverse();
  if (rows.some((r) => 'save_ms' in r)) {
    const series = [
      { key: 'save_ms', name: 'save (source)', color: SIDES.src },
      { key: 'load_ms', name: 'load (destination)', color: SIDES.dst },
      // Not an orange next to the destination's: a colour of its own from the page palette.
      { key: 'phase_ms', name: 'checkpoint phase', color: pageColors.color('checkpoint phase') },
    ].filter((s) => rows.some((r) => num(r[s.key]) !== null));
    return {
      ...BASE,
      tooltip: { ...BASE.tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 220, right: 24, top: 28, bottom: 30 },
      xAxis: { type: 'value', name: 'ms', ...AXIS },
      yAxis: { type: 'category', data: shown.map((r) => str(r.label) ?? ''), ...AXIS, axisLabel: { color: '#8b919c', width: 200, overflow: 'truncate' } },
      series: series.map((s) => ({ type: 'bar', name: s.name, itemStyle: { color: s.color }, data: shown.map((r) => num(r[s.key])) })),
    };
  }
  return {
    ...BASE,
    legend: { show: false },
    tooltip: { ...BASE.tooltip, trigger: 'item' },
    grid: { left: 220, right: 24, top: 10, bottom: 30 },
    xAxis: { type: 'value', name: 'ms', ...AXIS },
    yAxis: { type: 'category', data: shown.map((r) => str(r.label) ?? ''), ...AXIS, axisLabel: { color: '#8b919c', width: 200, overflow: 'truncate' } },
    series: [{ type: 'bar', name: 'ms', itemStyle: { color: pageColors.color('checkpoint phase') }, data: shown.map((r) => num(r.ms)) }],
  };
}
