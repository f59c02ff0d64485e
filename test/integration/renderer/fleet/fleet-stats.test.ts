// The Fleet page's box-plot statistics against DuckDB: quartiles as quantile_cont computes them,
// and the runs outside Q1 − 1.5×IQR .. Q3 + 1.5×IQR per group exactly those SQL finds, on
// random groups (a replayable PRNG) with a few far values planted.
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { groupStats, IQR_FACTOR, MIN_RUNS_FOR_OUTLIERS } from '../../../../src-renderer/fleet/fleet-model.ts';
import { prng } from '../../../helpers/prng.ts';

describe('fleet box statistics', () => {
  it('match DuckDB quantile_cont and the 1.5×IQR rule per group', async () => {
    const rnd = prng(20261207);
    const rows = [];
    let id = 1;
    for (const version of ['7.2.22', '8.2.0', '10.2.50', '9.0.0']) {
      const n = version === '9.0.0' ? MIN_RUNS_FOR_OUTLIERS - 1 : 5 + Math.floor(rnd() * 60);
      for (let i = 0; i < n; i++) {
        const far = rnd() < 0.08 ? 20 + rnd() * 200 : 0;
        rows.push({ run_id: id++, qemu_version: version, label: `run-${i}`, downtime_ms: Math.round((10 + rnd() * 30 + far) * 1000) / 1000 });
      }
    }
    rows.push({ run_id: id++, qemu_version: '7.2.22', label: 'no downtime', downtime_ms: null });
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run('CREATE TABLE f(run_id INTEGER, qemu_version VARCHAR, downtime_ms DOUBLE)');
    await c.run(`INSERT INTO f VALUES ${rows.map((r) => `(${r.run_id}, '${r.qemu_version}', ${r.downtime_ms ?? 'NULL'})`).join(', ')}`);
    const q = (await c.runAndReadAll(
      `SELECT qemu_version, count(downtime_ms), quantile_cont(downtime_ms, 0.25), median(downtime_ms), quantile_cont(downtime_ms, 0.75)
       FROM f WHERE downtime_ms IS NOT NULL GROUP BY ALL`,
    )).getRowsJS();
    const odd = (await c.runAndReadAll(
      `WITH s AS (SELECT qemu_version, count(downtime_ms) AS n, quantile_cont(downtime_ms, 0.25) AS q1, quantile_cont(downtime_ms, 0.75) AS q3 FROM f GROUP BY ALL)
       SELECT f.run_id FROM f JOIN s USING (qemu_version)
       WHERE s.n >= ${MIN_RUNS_FOR_OUTLIERS} AND (downtime_ms < q1 - ${IQR_FACTOR} * (q3 - q1) OR downtime_ms > q3 + ${IQR_FACTOR} * (q3 - q1)) ORDER BY 1`,
    )).getRowsJS().map((r) => Number(r[0]));
    c.closeSync();
    db.closeSync();

    const stats = groupStats(rows, 'downtime_ms', { by: 'qemu_version' });
    expect(stats.map((s) => s.group)).toEqual(['7.2.22', '8.2.0', '9.0.0', '10.2.50']);
    for (const [version, n, q1, median, q3] of q) {
      const s = stats.find((x) => x.group === version)!;
      expect(s.n).toBe(Number(n));
      expect(s.q1).toBeCloseTo(Number(q1), 9);
      expect(s.median).toBeCloseTo(Number(median), 9);
      expect(s.q3).toBeCloseTo(Number(q3), 9);
      expect(s.whiskerLow).toBeGreaterThanOrEqual(s.low);
      expect(s.whiskerHigh).toBeLessThanOrEqual(s.high);
    }
    expect(odd.length).toBeGreaterThan(0);
    expect(stats.flatMap((s) => s.outliers.map((o) => o.runId)).sort((a, b) => a - b)).toEqual(odd);
    expect(stats.find((s) => s.group === '9.0.0')!.outliers).toEqual([]);
  });
});
