// `qtw export --parquet`: the workspace as a Hive-partitioned dataset that reads back in DuckDB
// with the same rows, column names and types per event (the side ENUM as a string).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { readFileSync } from 'node:fs';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../helpers/paths.ts';
import { main } from '../../../src-main/hosts/cli/main.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');

describe('parquet export of a workspace', () => {
  const tmp = scratch('qtw-parquet-');
  const ws = path.join(tmp.dir, 'ws.duckdb');
  const out = path.join(tmp.dir, 'dataset');
  let db: DuckDBInstance;
  let conn: DuckDBConnection;

  beforeAll(async () => {
    const engine = await WorkspaceEngine.open(ws);
    await engine.openInputs([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
    engine.close();
    const code = await main(['export', ws, '--parquet', out]);
    expect(code).toBe(0);
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    await conn.run(`ATTACH '${ws}' AS w (READ_ONLY)`);
  });
  afterAll(() => {
    conn?.closeSync();
    db?.closeSync();
    tmp.cleanup();
  });

  async function rows(sql: string): Promise<unknown[][]> {
    return (await conn.runAndReadAll(sql)).getRowsJS();
  }

  it('has every event table with equal row counts, names and types', async () => {
    const tables = (await rows('SELECT name FROM w.qtw_event_tables ORDER BY name')).map((r) => String(r[0]));
    expect(tables.length).toBeGreaterThan(20);
    for (const t of tables) {
      const files = path.join(out, 'events', `event=${t}`, '*', '*.parquet');
      const [[a]] = await rows(`SELECT count(*) FROM w."${t}"`);
      // The files' own schema: without the Hive columns inferred from the folder names.
      const [[b]] = await rows(`SELECT count(*) FROM read_parquet('${files}', hive_partitioning = false)`);
      expect(b, t).toBe(a);
      const want = (await rows(`SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'w' AND table_name = '${t}' ORDER BY column_index`)).map(
        ([n, ty]) => `${n} ${String(ty).startsWith('ENUM') ? 'VARCHAR' : ty}`,
      );
      const got = (await rows(`DESCRIBE SELECT * FROM read_parquet('${files}', hive_partitioning = false)`)).map(([n, ty]) => `${n} ${ty}`);
      expect(got, t).toEqual(want);
    }
  });

  it('reads back as one Hive-partitioned dataset by event and trace', async () => {
    const viaHive = await rows(
      `SELECT event, trace_id, count(*) FROM read_parquet('${path.join(out, 'events/*/*/*.parquet')}', hive_partitioning = true, union_by_name = true)
       GROUP BY ALL ORDER BY ALL`,
    );
    const viaWs = await rows('SELECT name, trace_id, count(*) FROM w.events GROUP BY ALL ORDER BY ALL');
    expect(viaHive.map((r) => r.map(String))).toEqual(viaWs.map((r) => r.map(String)));
    const [[traces]] = await rows(`SELECT count(*) FROM read_parquet('${path.join(out, 'traces.parquet')}')`);
    expect(Number(traces)).toBe(2);
  });

  it('refuses to write into a folder that is not empty', async () => {
    expect(await main(['export', ws, '--parquet', out])).toBe(1);
  });

  it('carries the runs (run_id, label) and each trace\'s run_id', async () => {
    const want = (await rows('SELECT run_id, label, src_trace_id, dst_trace_id, qemu_version FROM w.runs ORDER BY run_id')).map((r) => r.map(String));
    expect(want).toHaveLength(1);
    const got = await rows(`SELECT run_id, label, src_trace_id, dst_trace_id, qemu_version FROM read_parquet('${path.join(out, 'runs.parquet')}') ORDER BY run_id`);
    expect(got.map((r) => r.map(String))).toEqual(want);
    const traces = await rows(`SELECT trace_id, run_id FROM read_parquet('${path.join(out, 'traces.parquet')}') ORDER BY trace_id`);
    expect(traces.map((r) => r.map(String))).toEqual((await rows('SELECT trace_id, run_id FROM w.traces ORDER BY trace_id')).map((r) => r.map(String)));
    expect(new Set(traces.map((r) => String(r[1])))).toEqual(new Set([want[0]![0]]));
  });

  it('fleet.parquet holds the rows of qtw fleet', async () => {
    const { fleetSql } = await import('../../../src-main/analyses/fleet.ts');
    const fleet = await rows(`SELECT * FROM read_parquet('${path.join(out, 'fleet.parquet')}')`);
    await conn.run('USE w');
    try {
      const direct = await rows(fleetSql());
      expect(direct).toHaveLength(1);
      expect(fleet.map((r) => r.map(String))).toEqual(direct.map((r) => r.map(String)));
    } finally {
      await conn.run('USE memory');
    }
  });

  it("README's fleet query answers over several exported workspaces (Hive partition workspace=NAME)", async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const sql = /### Fleet[\s\S]*?```sql\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(sql).toContain("read_parquet('exports/*/fleet.parquet', hive_partitioning = true)");
    const exports = path.join(tmp.dir, 'exports');
    for (const name of ['lab-a', 'lab-b']) expect(await main(['export', ws, '--parquet', path.join(exports, `workspace=${name}`)])).toBe(0);
    const got = await rows(sql!.replaceAll("'exports/", `'${exports}/`));
    const [[version, downtime]] = await rows(`SELECT qemu_version, downtime_ms FROM read_parquet('${path.join(out, 'fleet.parquet')}')`);
    expect(got).toHaveLength(1);
    const [qv, runs, completed, median] = got[0]!;
    expect(qv).toBe(version);
    expect(Number(runs)).toBe(2);
    expect(Number(completed)).toBe(2);
    expect(Number(median)).toBeCloseTo(Number(downtime), 6);
    expect(String(got[0]!.at(-1))).toMatch(/^lab-[ab] \/ /);
  });
});
