import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../../../src-main/contract.ts';
import { defaultItemTitle, MAX_TITLE } from '../../../../src-renderer/report/item-title.ts';

const line = (y: string[], x: string, series: string | null = null): ChartSpec => ({ kind: 'line', x, y, series, maxPoints: 2000 });

// The postcopy faults query of issue 18: its old title was cut inside the subquery.
const FAULTS = `SELECT (request_ts_ns - (SELECT min(request_ts_ns) FROM postcopy_faults)) / 1e6 AS t_ms,
       latency_ns / 1e3 AS latency_us, channel
FROM postcopy_faults WHERE run_id = 1 ORDER BY 1`;

describe('defaultItemTitle', () => {
  it("names a chart by its y over its x, with the table read and the split", () => {
    expect(defaultItemTitle(FAULTS, line(['latency_us'], 't_ms', 'channel'))).toBe('postcopy_faults: latency_us over t_ms, split by channel');
    expect(defaultItemTitle('SELECT name, count(*) AS n FROM events GROUP BY name', { ...line(['n'], 'name'), kind: 'bar' })).toBe('events: n per name');
    expect(defaultItemTitle('SELECT latency_ns FROM postcopy_faults', { kind: 'histogram', x: 'latency_ns', y: [], series: null, maxPoints: 0, bins: 50 }))
      .toBe('postcopy_faults: distribution of latency_ns');
  });

  it('names a table by its first table and its aggregate, grouped or not', () => {
    expect(defaultItemTitle('SELECT new_state, count(*) FROM migrate_set_state GROUP BY 1')).toBe('migrate_set_state: count(*) by new_state');
    expect(defaultItemTitle('SELECT new_state, count(*) AS n FROM migrate_set_state GROUP BY ALL')).toBe('migrate_set_state: n by new_state');
    expect(defaultItemTitle('SELECT avg(latency_ns) / 1e3 AS mean_us, max(latency_ns) FROM postcopy_faults')).toBe('postcopy_faults: mean_us, max(latency_ns)');
    // Without an aggregate: the columns, an unnamed long expression never cut mid-way.
    const t = defaultItemTitle(FAULTS);
    expect(t).toBe('postcopy_faults: t_ms, latency_us, channel');
    expect(defaultItemTitle('SELECT * FROM "events" /* all */ LIMIT 3')).toBe('events: all columns');
  });

  it('reads through CTEs and subqueries to the table they read', () => {
    const sql = `WITH f AS (SELECT * FROM postcopy_faults WHERE run_id = 2), g AS (SELECT 1 AS k)
      SELECT channel, quantile_cont(latency_ns, 0.99) AS p99 FROM f GROUP BY channel`;
    expect(defaultItemTitle(sql)).toBe('postcopy_faults: p99 by channel');
    expect(defaultItemTitle('SELECT count(*) FROM (SELECT DISTINCT tid FROM migration_thread)')).toBe('migration_thread: count(*)');
  });

  it("keeps the author's leading comment, and the last statement's shape", () => {
    expect(defaultItemTitle('-- Dirty pages per sync\nSELECT * FROM migration_bitmap_sync_end')).toBe('Dirty pages per sync');
    expect(defaultItemTitle("SET threads=1; SELECT ts_ns, ';' AS s FROM events")).toBe('events: ts_ns, s');
    expect(defaultItemTitle('PRAGMA show_tables')).toBe('PRAGMA show_tables');
  });

  it('fits long lists in the limit by whole names and says how many are left out', () => {
    const wide = `SELECT ${Array.from({ length: 40 }, (_, i) => `column_${i}`).join(', ')} FROM migration_overview`;
    const t = defaultItemTitle(wide);
    expect(t.length).toBeLessThanOrEqual(MAX_TITLE);
    expect(t).toMatch(/^migration_overview: column_0, column_1, .*column_\d+, \+\d+ more$/);
    const shown = t.match(/column_\d+/g)!.length;
    expect(Number(/\+(\d+) more/.exec(t)![1]) + shown).toBe(40);
    const ys = line(Array.from({ length: 12 }, (_, i) => `measure_${i}`), 'ts_ns');
    const c = defaultItemTitle('SELECT * FROM t', ys);
    expect(c.length).toBeLessThanOrEqual(MAX_TITLE);
    expect(c).toMatch(/measure_0, .*\+\d+ more over ts_ns$/);
  });
});
