// Chart column choices and the ECharts option built from chart data, using series taken from the
// a-precopy source log (ts_ns → float ms as the engine sends it).
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChartData, QueryColumn } from '../../../../src-main/contract.ts';
import { binsFor, isTimeColumn, MAX_POINTS_PER_SERIES, pointsBudget, specForKind, xCandidates, yCandidates } from '../../../../src-renderer/charts/chart-columns.ts';
import { buildChartOption, categoriesOf, formatEpochMs, interleave, xModeOf } from '../../../../src-renderer/charts/chart-option.ts';
import { formatTimestampNs } from '../../../../src-renderer/util/time-format.ts';
import { readLog, type LogRecord } from '../../../helpers/sample-log.ts';

// The columns of an event table (docs/ARCHITECTURE.md) plus migrate_set_state's two arguments.
const EVENT_COLUMNS: QueryColumn[] = [
  { name: 'trace_id', type: 'INTEGER' }, { name: 'side', type: 'VARCHAR' }, { name: 'seq', type: 'BIGINT' },
  { name: 'ts_ns', type: 'BIGINT' }, { name: 'tid', type: 'INTEGER' }, { name: 'pid', type: 'INTEGER' },
  { name: 'old_state', type: 'INTEGER' }, { name: 'new_state', type: 'INTEGER' },
];

let src: LogRecord[] = [];
beforeAll(() => {
  src = readLog('src');
});

function seqOverTime(records: readonly LogRecord[]): ChartData {
  const x = records.map((r) => Number(r.tsNs) / 1e6);
  return { kind: 'scatter', xType: 'time', xName: 'ts_ns', yName: 'seq', series: [{ name: 'seq', x, y: records.map((r) => r.seq) }], sourceRows: records.length, points: records.length, sampled: false };
}

describe('column choices', () => {
  it('recognises ts_ns as time and offers only measures for y', () => {
    expect(EVENT_COLUMNS.filter(isTimeColumn).map((c) => c.name)).toEqual(['ts_ns']);
    expect(yCandidates(EVENT_COLUMNS, 'ts_ns').map((c) => c.name)).toEqual(['trace_id', 'seq', 'tid', 'pid', 'old_state', 'new_state']);
    expect(xCandidates('line', EVENT_COLUMNS).map((c) => c.name)).not.toContain('side');
    expect(xCandidates('bar', EVENT_COLUMNS).map((c) => c.name)).toContain('side');
  });

  it('defaults to time on x and a measurement (not an id) on y, and keeps choices across kinds', () => {
    const line = specForKind('line', EVENT_COLUMNS, null)!;
    expect(line).toMatchObject({ kind: 'line', x: 'ts_ns', y: ['old_state'], series: null });
    const withY = { ...line, y: ['new_state'], series: 'side' };
    expect(specForKind('scatter', EVENT_COLUMNS, withY)).toMatchObject({ kind: 'scatter', x: 'ts_ns', y: ['new_state'], series: 'side' });
    expect(specForKind('bar', EVENT_COLUMNS, withY)).toMatchObject({ kind: 'bar', x: 'side', y: ['new_state'] });
    // A histogram bins the column that was being plotted.
    expect(specForKind('histogram', EVENT_COLUMNS, withY)).toMatchObject({ kind: 'histogram', x: 'new_state', y: [] });
  });

  it('gives up when nothing numeric exists', () => {
    const text: QueryColumn[] = [{ name: 'name', type: 'VARCHAR' }, { name: 'raw', type: 'VARCHAR' }];
    for (const k of ['line', 'scatter', 'bar', 'histogram'] as const) expect(specForKind(k, text, null)).toBeNull();
  });

  it('asks for about two points per pixel for lines and far more for scatter', () => {
    expect(pointsBudget('line', 1200, 1)).toBe(2400);
    expect(pointsBudget('scatter', 1200, 1)).toBeGreaterThan(20 * pointsBudget('line', 1200, 1));
    // Always within what the engine accepts (rpc-validate: 2..100000).
    for (const k of ['line', 'scatter', 'bar', 'histogram'] as const) {
      for (const w of [0, 300, 1200, 5000, 40_000]) {
        for (const n of [1, 3, 50]) {
          const p = pointsBudget(k, w, n);
          expect(p).toBeGreaterThanOrEqual(2);
          expect(p).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
        }
      }
    }
    expect(pointsBudget('scatter', 1200, 4)).toBeLessThan(pointsBudget('scatter', 1200, 1));
    expect(binsFor(800)).toBe(100);
    expect(binsFor(10)).toBe(10);
  });
});

describe('option building', () => {
  it('puts epoch-time x on a UTC time axis and scatter data in one interleaved typed array', () => {
    const data = seqOverTime(src);
    expect(xModeOf(data)).toBe('time');
    const opt = buildChartOption(data);
    expect(opt.useUTC).toBe(true);
    expect((opt.xAxis as { type: string }).type).toBe('time');
    const s = (opt.series as { type: string; large: boolean; data: Float64Array }[])[0]!;
    expect(s.type).toBe('scatter');
    expect(s.large).toBe(true);
    expect(s.data).toBeInstanceOf(Float64Array);
    expect(s.data.length).toBe(2 * src.length);
    const i = 1234;
    expect(s.data[2 * i]).toBe(Number(src[i]!.tsNs) / 1e6);
    expect(s.data[2 * i + 1]).toBe(src[i]!.seq);
    expect(opt.animation).toBe(false);
    const zooms = opt.dataZoom as { type: string; filterMode: string }[];
    expect(zooms.map((z) => z.type).sort()).toEqual(['inside', 'slider']);
    // Filtering on a float time axis drops the end points of a series.
    for (const z of zooms) expect(z.filterMode).toBe('none');
  });

  it('shows times with microsecond digits that agree with the exact ns formatter', () => {
    for (const r of [src[0]!, src[src.length >> 1]!, src[src.length - 1]!]) {
      const exact = formatTimestampNs(r.tsNs); // 2026-…  hh:mm:ss.nnnnnnnnn UTC
      expect(formatEpochMs(Number(r.tsNs) / 1e6)).toBe(exact.slice(0, exact.indexOf('.') + 7));
    }
  });

  it('shows clocks that are not epoch time as seconds on a value axis', () => {
    const t0 = src[0]!.tsNs;
    const rel = src.slice(0, 500).map((r) => Number(r.tsNs - t0) / 1e6);
    const data: ChartData = { kind: 'line', xType: 'time', xName: 'ts_ns', yName: 'seq', series: [{ name: 'seq', x: rel, y: src.slice(0, 500).map((r) => r.seq) }], sourceRows: 500, points: 500, sampled: false };
    expect(xModeOf(data)).toBe('clock');
    const opt = buildChartOption(data);
    const ax = opt.xAxis as { type: string; axisLabel: { formatter: (v: number) => string } };
    expect(ax.type).toBe('value');
    expect(ax.axisLabel.formatter(rel[499]!)).toBe(`${(rel[499]! / 1000).toFixed(6)} s`);
    const line = (opt.series as { type: string; data: [number, number][]; showSymbol: boolean }[])[0]!;
    expect(line.type).toBe('line');
    expect(line.data[10]).toEqual([rel[10], src[10]!.seq]);
    expect(line.showSymbol).toBe(false);
  });

  it('aligns bar series with different categories on one category axis', () => {
    const perThread = (side: 'src' | 'dst') => {
      const m = new Map<string, number>();
      for (const r of readLog(side)) m.set(String(r.name), (m.get(r.name) ?? 0) + 1);
      return m;
    };
    const a = perThread('src');
    const b = perThread('dst');
    const data: ChartData = {
      kind: 'bar', xType: 'category', xName: 'name', yName: 'count',
      series: [{ name: 'src', x: [...a.keys()], y: [...a.values()] }, { name: 'dst', x: [...b.keys()], y: [...b.values()] }],
      sourceRows: a.size + b.size, points: a.size + b.size, sampled: false,
    };
    const opt = buildChartOption(data);
    const cats = (opt.xAxis as { data: string[] }).data;
    expect(cats).toEqual(categoriesOf(data.series, String));
    expect(new Set(cats)).toEqual(new Set([...a.keys(), ...b.keys()]));
    const [sa, sb] = opt.series as { data: (number | null)[] }[];
    cats.forEach((c, i) => {
      expect(sa!.data[i]).toBe(a.get(c) ?? null);
      expect(sb!.data[i]).toBe(b.get(c) ?? null);
    });
    expect((opt.legend as { show: boolean }).show).toBe(true);
  });

  it('keeps every histogram bin of epoch times its own bar, however close the bins', () => {
    // Binned as the engine bins: the real migrate_set_state times of both sides, in ms.
    const ts = [...readLog('src'), ...readLog('dst')].filter((r) => r.name === 'migrate_set_state').map((r) => Number(r.tsNs / 1000n) / 1000);
    expect(ts.length).toBeGreaterThan(4);
    for (const bins of [2, 50]) {
      const lo = Math.min(...ts);
      const hi = Math.max(...ts);
      const width = (hi - lo) / bins;
      const counts = new Array<number>(bins).fill(0);
      for (const t of ts) counts[Math.min(bins - 1, Math.floor((t - lo) / (hi - lo) * bins))]++;
      const data: ChartData = {
        kind: 'histogram', xType: 'time', xName: 'ts_ns', yName: 'count',
        series: [{ name: 'count', x: counts.map((_, i) => lo + i * width), y: counts }],
        sourceRows: ts.length, points: bins, sampled: false,
      };
      const opt = buildChartOption(data);
      const cats = (opt.xAxis as { data: string[] }).data;
      expect(new Set(cats).size, `${bins} bins`).toBe(bins);
      expect((opt.series as { data: (number | null)[] }[])[0]!.data).toEqual(counts);
      // Readable as times when that is enough to tell them apart.
      if (bins === 2) expect(cats[0]).toBe(formatEpochMs(lo));
    }
  });

  it('interleave pairs x and y by position', () => {
    const arr = interleave({ name: 's', x: [3, 1], y: [30, 10] });
    expect([...arr]).toEqual([3, 30, 1, 10]);
  });
});
