// Report tables show ns timestamps as ms from the run's start, on the source's clock.
import { describe, expect, it } from 'vitest';
import type { QueryColumn } from '../../../src-main/contract.ts';
import { absoluteTime, nsAsMs, relativeTimes } from '../../../src-main/report/relative-times.ts';
import { renderHtml } from '../../../src-main/report/render-html.ts';
import { asciiTable } from '../../../src-main/report/render-text.ts';
import type { DocTable, ReportDoc } from '../../../src-main/report/doc.ts';

const cols: QueryColumn[] = [
  { name: 'side', type: 'VARCHAR' }, { name: 'run_id', type: 'INTEGER' }, { name: 'trace_id', type: 'INTEGER' },
  { name: 'start_ts_ns', type: 'BIGINT' }, { name: 'total_ms', type: 'DOUBLE' },
];
const START = 1_795_635_807_247_673_000n;
const rows = [
  ['src', 1, 1, START, 1336.568],
  ['dst', 1, 2, START + 2_954_000n, 1337.718],
];
const ctx = { runStarts: new Map([['1', START]]), offsets: new Map([['1', 0n], ['2', -10_000n]]) };

describe('relative times', () => {
  it('formats ns as ms exactly, and epoch ns as UTC', () => {
    expect([nsAsMs(0n), nsAsMs(2_944_000n), nsAsMs(1_500n), nsAsMs(-1_000_001n)]).toEqual(['0.000', '2.944', '0.0015', '-1.000001']);
    expect(absoluteTime(START)).toBe('2026-11-25 19:43:27.247673 UTC (1795635807247673000 ns)');
    // A boot-time clock has no date.
    expect(absoluteTime(12_345_678n)).toBe('12345678 ns');
  });

  it("shows times from the run's start, a destination put on its source's clock", () => {
    const r = relativeTimes(cols, rows, ctx)!;
    expect([...r.columns]).toEqual([3]);
    expect(r.name(3)).toBe('start_ts (+ms)');
    expect(rows.map((x) => r.text(x, 3))).toEqual(['0.000', '2.944']);
    expect(r.note).toBe("Times (+ms) are milliseconds from run 1's migration start, 2026-11-25 19:43:27.247673 UTC (1795635807247673000 ns), every trace on its source's clock.");
  });

  it('without a known run start: from the earliest time, and says when offsets could not be applied', () => {
    const noTrace = cols.filter((c) => c.name !== 'trace_id' && c.name !== 'run_id');
    const r = relativeTimes(noTrace, rows.map((x) => [x[0], x[3], x[4]]), ctx)!;
    expect(r.note).toMatch(/^Times \(\+ms\) are milliseconds from the earliest time in this table, .*; clock offsets not applied \(the table has no trace_id\)\.$/);
    expect(r.text(['dst', START + 2_954_000n, 0], 1)).toBe('2.954');
    expect(relativeTimes([{ name: 'n', type: 'BIGINT' }], [[1]], ctx)).toBeNull();
  });
});

describe('wide tables', () => {
  const wide: DocTable = {
    columns: Array.from({ length: 18 }, (_, i) => ({ name: `column_number_${i}`, numeric: i > 0 })),
    rows: [['src', ...Array.from({ length: 17 }, (_, i) => String(i))], ['dst', ...Array.from({ length: 17 }, (_, i) => String(100 + i))]],
    totalRows: 2,
    note: 'Times (+ms) are milliseconds from somewhere.',
  };
  const doc = (t: DocTable): ReportDoc => ({
    title: 't', redacted: false,
    items: [{ kind: 'data', index: 1, title: 'w', sql: 'SELECT 1', table: t, chart: null, error: null, dataFiles: [] }],
    provenance: { toolVersion: '0', inputs: [], catalogues: [], clockOffsets: [], sql: [] },
  });

  it('HTML turns a few-row wide table, scrolls a long one, and states the note once', () => {
    const turned = renderHtml(doc(wide));
    expect(turned.match(/Times \(\+ms\)/g)).toHaveLength(1);
    expect(turned).toContain('<table class="turned"><thead><tr><th>column_<wbr>number_<wbr>0</th><th>src</th><th>dst</th></tr>');
    expect(turned).toContain('<tr><th scope="row">column_number_5</th><td class="n">4</td><td class="n">104</td></tr>');
    const long = renderHtml(doc({ ...wide, rows: Array.from({ length: 6 }, () => wide.rows[0]!), totalRows: 6 }));
    expect(long).toMatch(/<div class="table"><table><thead>/);
    expect(long).not.toContain('class="turned"');
  });

  it('72-column text keeps its column blocks, the note above them', () => {
    const lines = asciiTable(wide);
    expect(lines[0]).toBe('Times (+ms) are milliseconds from somewhere.');
    expect(lines.filter((l) => /^\(columns \d+\/\d+\)$/.test(l)).length).toBeGreaterThan(3);
    expect(lines.filter((l) => l.length > 72)).toEqual([]);
  });
});
