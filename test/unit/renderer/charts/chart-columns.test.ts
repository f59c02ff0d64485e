// Chart column roles in the renderer: identifiers are offered as one-click splits, never a default y.
import { describe, expect, it } from 'vitest';
import type { ChartSpec, QueryColumn } from '../../../../src-main/contract.ts';
import { specForKind, splitCandidates } from '../../../../src-renderer/charts/chart-columns.ts';

const col = (name: string, type = 'BIGINT'): QueryColumn => ({ name, type });
const COLS = [col('ts_ns'), col('channel', 'UTINYINT'), col('bytes'), col('side', 'VARCHAR'), col('seq'), col('payload', 'BLOB')];

describe('chart columns', () => {
  it('a line over time takes the measure as y, not the channel', () => {
    expect(specForKind('line', COLS, null)).toMatchObject({ x: 'ts_ns', y: ['bytes'], series: null });
  });

  it('offers identifiers and text columns as splits, not sequences, blobs or the plotted columns', () => {
    const spec: ChartSpec = { kind: 'line', x: 'ts_ns', y: ['bytes'], series: null, maxPoints: 0 };
    expect(splitCandidates(COLS, spec).map((c) => c.name)).toEqual(['channel', 'side']);
    expect(splitCandidates(COLS, { ...spec, y: ['bytes', 'channel'] }).map((c) => c.name)).toEqual(['side']);
    // The current split stays offered, even a column no rule would offer.
    expect(splitCandidates(COLS, { ...spec, series: 'seq' }).map((c) => c.name)).toEqual(['channel', 'side', 'seq']);
    expect(splitCandidates(COLS, { ...spec, kind: 'bar' })).toEqual([]);
    expect(splitCandidates(COLS, null)).toEqual([]);
  });
});
