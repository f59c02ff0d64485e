// Column roles of the chart suggestion: identifier-like columns split a chart, never become a y.
import { describe, expect, it } from 'vitest';
import type { QueryColumn } from '../../../src-main/contract.ts';
import { suggestChartFor } from '../../../src-main/results/chart-suggest.ts';
import { columnRoles } from '../../../src-main/results/column-kinds.ts';

const col = (name: string, type = 'BIGINT'): QueryColumn => ({ name, type });

describe('column roles', () => {
  it('names that identify things split; sequences and many-valued ids do not; measures stay measures', () => {
    const cols = [col('ts_ns'), col('channel', 'UTINYINT'), col('fault_id'), col('seq'), col('bytes'), col('side', 'VARCHAR'), col('latency', 'DOUBLE')];
    expect(columnRoles(cols, 1000)).toEqual(['time', 'split', 'split', 'identifier', 'measure', 'category', 'measure']);
    // Counted: 40,000 fault ids are no split, 4 channels are.
    expect(columnRoles(cols, 100_000, new Map([['channel', 4], ['fault_id', 40_000], ['bytes', 3]]))).toEqual(
      ['time', 'split', 'identifier', 'identifier', 'split', 'category', 'measure'],
    );
  });

  it('a few-valued integer splits only over many rows per value, and only when counted', () => {
    const cols = [col('ts_ns'), col('vq'), col('len')];
    expect(columnRoles(cols, 1000)[1]).toBe('measure');
    expect(columnRoles(cols, 1000, new Map([['vq', 3], ['len', 700]]))).toEqual(['time', 'split', 'measure']);
    // 3 values in 20 rows is a short table of amounts, not 3 groups.
    expect(columnRoles(cols, 20, new Map([['vq', 3]]))[1]).toBe('measure');
    // One value splits nothing.
    expect(columnRoles(cols, 1000, new Map([['vq', 1]]))[1]).toBe('measure');
  });
});

describe('suggestChartFor', () => {
  it('plots bytes over time split by channel, not channel as a y (issue 18)', () => {
    const s = suggestChartFor([col('ts_ns'), col('channel', 'UTINYINT'), col('bytes')], 473, true, new Map([['channel', 4], ['bytes', 90]]));
    expect(s.spec).toMatchObject({ kind: 'line', x: 'ts_ns', y: ['bytes'], series: 'channel' });
    expect(s.reason).toMatch(/split by channel \(an identifier, 4 values\)/);
    for (const id of ['id', 'trace_id', 'tid', 'pid', 'run_id', 'page_id']) {
      const t = suggestChartFor([col('ts_ns'), col(id), col('len')], 100, true);
      expect(t.spec, id).toMatchObject({ y: ['len'], series: id });
    }
  });

  it('says when a few-valued integer was taken as groups', () => {
    const s = suggestChartFor([col('ts_ns'), col('vq'), col('len')], 1000, true, new Map([['vq', 3], ['len', 500]]));
    expect(s.spec).toMatchObject({ y: ['len'], series: 'vq' });
    expect(s.reason).toMatch(/vq \(only 3 values over 10\+ rows each: taken as groups, not amounts\)/);
  });

  it('keeps side as the split when no identifier is there, and plots ids when nothing else is numeric', () => {
    expect(suggestChartFor([col('ts_ns'), col('side', 'VARCHAR'), col('n')], 10, true).spec).toMatchObject({ y: ['n'], series: 'side' });
    expect(suggestChartFor([col('tid')], 10, true).spec).toMatchObject({ kind: 'histogram', x: 'tid' });
    // A bar chart has no split.
    expect(suggestChartFor([col('name', 'VARCHAR'), col('channel'), col('n')], 10, true).spec).toMatchObject({ kind: 'bar', x: 'name', y: ['n'], series: null });
  });
});

describe('few-valued integers with nothing else to plot', () => {
  it('stay measures (a packet size that takes 3 values is still the amount to plot)', () => {
    const cols = [col('ts_ns'), col('channel', 'UTINYINT'), col('next_packet_size', 'UINTEGER')];
    const d = new Map([['channel', 4], ['next_packet_size', 3]]);
    expect(columnRoles(cols, 473, d)).toEqual(['time', 'split', 'measure']);
    expect(suggestChartFor(cols, 473, true, d).spec).toMatchObject({ y: ['next_packet_size'], series: 'channel' });
  });
});
