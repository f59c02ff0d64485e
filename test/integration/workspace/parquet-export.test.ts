// `qtw export --parquet`: the workspace as a Hive-partitioned dataset that reads back in DuckDB
// with the same rows, column names and types per event (the side ENUM as a string).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';
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
});
