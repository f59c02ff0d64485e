// Cell presentation checked against DuckDB's own rendering of the same values from the
// a-precopy sample: exact 64-bit integers, pointer columns in hex, ts_ns tooltips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJsonValue, type CellValue } from '../../../../src-main/workspace/query.ts';
import type { WireCell } from '../../../../src-main/contract.ts';
import { columnKinds, formatCell, pointerColumnNames } from '../../../../src-renderer/results/cell-format.ts';
import { toMarkdown, toTsv } from '../../../../src-renderer/results/copy-format.ts';
import { formatDurationNs, formatTimestampNs } from '../../../../src-renderer/util/time-format.ts';
import { openSampleWorkspace, type SampleWorkspace } from '../../../helpers/sample-workspace.ts';

let w: SampleWorkspace;
beforeAll(async () => {
  w = await openSampleWorkspace();
});
afterAll(() => w?.close());

/** Run SQL through the engine's runner and return wire cells as the renderer receives them. */
async function wire(sql: string) {
  const h = await w.engine.runner.run(sql);
  const rows = await w.engine.runner.fetchRows(h.id, 0, h.rowCount);
  await w.engine.runner.release(h.id);
  return { columns: h.columns, rows: rows.map((r) => r.map((v) => toJsonValue(v as CellValue) as WireCell)) };
}

describe('pointer columns', () => {
  it('are the UBIGINT arguments whose C type is a pointer, shown as DuckDB\'s hex', async () => {
    const t = w.schema.tables.find((x) => x.kind === 'event' && x.columns.some((c) => c.ctype?.trim().endsWith('*') && c.type === 'UBIGINT'))!;
    const ptr = t.columns.find((c) => c.ctype?.trim().endsWith('*') && c.type === 'UBIGINT')!;
    const names = pointerColumnNames(w.schema, [t.name]);
    expect(names.has(ptr.name)).toBe(true);
    // Strings (const char *) are pointers in C but text here.
    for (const c of t.columns) if (c.type === 'VARCHAR') expect(names.has(c.name)).toBe(false);
    const r = await wire(`SELECT "${ptr.name}", lower(hex("${ptr.name}")) AS hex FROM "${t.name}" WHERE "${ptr.name}" IS NOT NULL LIMIT 50`);
    expect(r.rows.length).toBeGreaterThan(0);
    const kinds = columnKinds(r.columns, names);
    expect(kinds[0]).toBe('pointer');
    for (const row of r.rows) expect(formatCell(row[0], kinds[0]).text).toBe(`0x${row[1]}`);
  });
});

describe('64-bit values and timestamps', () => {
  it('shows ts_ns exactly as DuckDB prints it, with its UTC time to the nanosecond as tooltip', async () => {
    const r = await wire(
      `SELECT ts_ns, CAST(ts_ns AS VARCHAR) AS txt, strftime(make_timestamp_ns(ts_ns), '%Y-%m-%d %H:%M:%S.%n') AS human FROM events USING SAMPLE 200 ROWS`,
    );
    const kinds = columnKinds(r.columns, new Set());
    expect(kinds[0]).toBe('timestamp-ns');
    for (const row of r.rows) {
      const f = formatCell(row[0], kinds[0]);
      expect(f.text).toBe(row[1]);
      expect(f.title).toBe(`${row[2]} UTC`);
    }
  });

  it('keeps UBIGINT values beyond 2^53 exact and marks NULL', async () => {
    const r = await wire(`SELECT (ts_ns::UBIGINT * 9) AS big, CAST(ts_ns::UBIGINT * 9 AS VARCHAR) AS txt, NULL::BIGINT AS n FROM events LIMIT 100`);
    const kinds = columnKinds(r.columns, new Set());
    expect(kinds[0]).toBe('integer');
    for (const row of r.rows) {
      expect(typeof row[0]).toBe('string'); // beyond 2^53: a string on the wire
      expect(formatCell(row[0], kinds[0]).text).toBe(row[1]);
      expect(formatCell(row[2], kinds[2])).toMatchObject({ text: 'NULL', cls: 'null' });
    }
  });

  it('formats the span of each trace like DuckDB\'s interval arithmetic', async () => {
    const traces = await w.engine.listTraces();
    expect(traces.length).toBe(2);
    for (const t of traces) {
      const ns = BigInt(t.lastTsNs!) - BigInt(t.firstTsNs!);
      const [[secs]] = await w.rows(`SELECT (${t.lastTsNs} - ${t.firstTsNs}) / 1e9`);
      expect(formatDurationNs(ns)).toBe(`${(secs as number).toFixed(1)} s`);
      const [[human]] = await w.rows(`SELECT strftime(make_timestamp_ns(${t.firstTsNs}), '%Y-%m-%d %H:%M:%S.%n')`);
      expect(formatTimestampNs(t.firstTsNs, t.clock)).toBe(`${human} UTC`);
    }
  });
});

describe('daytime timestamps', () => {
  it('show the time of day, and the days after the first record\'s', () => {
    expect(formatTimestampNs('69805253839012', 'daytime')).toBe('19:23:25.253839012');
    expect(formatTimestampNs(86_400_000_000_001n, 'daytime')).toBe('00:00:00.000000001 (+1 d)');
  });
});

describe('copy formats', () => {
  it('TSV and Markdown keep the shape of the rows of a real result', async () => {
    const r = await wire(`SELECT side, new_state, ts_ns FROM migrate_set_state ORDER BY side, seq`);
    const kinds = columnKinds(r.columns, new Set());
    const text = r.rows.map((row) => row.map((v, i) => formatCell(v, kinds[i]).text));
    const tsv = toTsv(r.columns.map((c) => c.name), text).split('\n');
    expect(tsv.length).toBe(r.rows.length + 1);
    expect(tsv[0].split('\t')).toEqual(['side', 'new_state', 'ts_ns']);
    expect(tsv.slice(1).map((l) => l.split('\t')[1])).toEqual(r.rows.map((row) => row[1]));
    const md = toMarkdown(r.columns.map((c) => c.name), text, [false, false, true]).split('\n');
    expect(md[1]).toBe('| --- | --- | ---: |');
    expect(md.length).toBe(r.rows.length + 2);
    expect(toMarkdown(['a'], [['x|y\nz']])).toBe('| a |\n| --- |\n| x\\|y<br>z |');
  });
});
