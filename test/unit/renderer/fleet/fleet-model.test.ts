// The Fleet page's filter, sort and grouping on rows shaped as the engine sends them (numbers,
// BIGINTs past 2^53 as decimal strings, NULLs).
import { describe, expect, it } from 'vitest';
import { groupOf, parsePattern, rowFilter, sortRows, type Row } from '../../../../src-renderer/fleet/fleet-model.ts';

const rows: Row[] = [
  { run_id: 1, label: 'lab-a/precopy-01', qemu_version: '7.2.22', final_state: 'completed', downtime_ms: 26.9, start_ts_ns: '1795635788367529000' },
  { run_id: 2, label: 'lab-b/multifd-02', qemu_version: '10.2.50', final_state: 'failed', downtime_ms: null, start_ts_ns: '1795635788367528999' },
  { run_id: 3, label: 'lab-a/multifd-03', qemu_version: '8.2.0', final_state: 'completed', downtime_ms: 120.5, start_ts_ns: null },
  { run_id: 4, label: 'other', qemu_version: null, final_state: null, downtime_ms: 3, start_ts_ns: '17' },
];
const cols = Object.keys(rows[0]!);
const ids = (rs: readonly Row[]) => rs.map((r) => r.run_id);

describe('fleet filter', () => {
  it('compares numbers as numbers, text case-insensitively, and ANDs terms', () => {
    expect(ids(rows.filter(rowFilter('downtime_ms>20', cols)))).toEqual([1, 3]);
    expect(ids(rows.filter(rowFilter('downtime_ms<=26.9', cols)))).toEqual([1, 4]);
    expect(ids(rows.filter(rowFilter('final_state=COMPLETED', cols)))).toEqual([1, 3]);
    expect(ids(rows.filter(rowFilter('final_state!=completed', cols)))).toEqual([2, 4]);
    expect(ids(rows.filter(rowFilter('lab-a downtime_ms>100', cols)))).toEqual([3]);
    expect(ids(rows.filter(rowFilter('  ', cols)))).toEqual([1, 2, 3, 4]);
  });

  it('a term naming no column is text to find', () => {
    expect(ids(rows.filter(rowFilter('speed>3', cols)))).toEqual([]);
    expect(ids(rows.filter(rowFilter('MULTIFD', cols)))).toEqual([2, 3]);
  });
});

describe('fleet sort', () => {
  it('numbers numerically, NULLs last both ways', () => {
    expect(ids(sortRows(rows, { column: 'downtime_ms', desc: false }))).toEqual([4, 1, 3, 2]);
    expect(ids(sortRows(rows, { column: 'downtime_ms', desc: true }))).toEqual([3, 1, 4, 2]);
  });

  it('BIGINT strings exactly (they differ past 2^53), versions naturally', () => {
    expect(ids(sortRows(rows, { column: 'start_ts_ns', desc: false }))).toEqual([4, 2, 1, 3]);
    expect(ids(sortRows(rows, { column: 'qemu_version', desc: false }))).toEqual([1, 3, 2, 4]);
  });
});

describe('fleet grouping', () => {
  it('by version, unknown named; by a pattern: first group, whole match, or no match', () => {
    expect(rows.map((r) => groupOf(r, { by: 'qemu_version' }))).toEqual(['7.2.22', '10.2.50', '8.2.0', '(unknown)']);
    const lab = parsePattern('^(lab-[a-z])/');
    expect(lab).toBeInstanceOf(RegExp);
    expect(rows.map((r) => groupOf(r, { by: 'label', pattern: lab as RegExp }))).toEqual(['lab-a', 'lab-b', 'lab-a', '(no match)']);
    expect(groupOf(rows[1]!, { by: 'label', pattern: parsePattern('multifd') as RegExp })).toBe('multifd');
    expect(parsePattern('(')).toHaveProperty('error');
  });
});
