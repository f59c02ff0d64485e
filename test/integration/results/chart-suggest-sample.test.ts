// The chart suggestion on a real multifd trace (QEMU 7.2 b-multifd4, four channels): the
// channel id splits the chart, the sampled distinct counts tell it from measures.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryColumn } from '../../../src-main/contract.ts';
import { sampleDistinct, suggestChart } from '../../../src-main/results/chart-suggest.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const tmp = scratch('qtw-chart-suggest-');
let engine: WorkspaceEngine;

async function result(sql: string, name: string): Promise<{ table: string; columns: QueryColumn[]; rowCount: number }> {
  const conn = engine.ws.conn;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS ${sql}`);
  const cols = (await conn.runAndReadAll(`SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = '${name}' ORDER BY column_index`)).getRowsJS();
  const n = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${name}`)).getRowsJS()[0]![0]);
  return { table: name, columns: cols.map(([c, t]) => ({ name: String(c), type: String(t) })), rowCount: n };
}

beforeAll(async () => {
  engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
  await engine.openInputs([path.join(B, 'src.log'), path.join(B, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
}, 120_000);

afterAll(() => {
  engine?.close();
  tmp.cleanup();
});

describe('suggestChart on b-multifd4', () => {
  it('splits multifd_send by its channel instead of plotting the channel', async () => {
    const r = await result('SELECT ts_ns, id AS channel, next_packet_size AS bytes FROM multifd_send', 'r1');
    expect(r.rowCount).toBeGreaterThan(100);
    const channels = Number((await engine.ws.conn.runAndReadAll('SELECT count(DISTINCT id) FROM multifd_send')).getRowsJS()[0]![0]);
    expect(channels).toBe(4);
    expect((await sampleDistinct(engine.ws.conn, r.table, r.columns)).get('channel')).toBe(channels);
    const s = await suggestChart(engine.ws.conn, r);
    expect(s.spec).toMatchObject({ kind: 'line', x: 'ts_ns', y: ['bytes'], series: 'channel' });
  });

  it('packet numbers run through hundreds of values: a measure, not a split', async () => {
    const r = await result('SELECT ts_ns, packet_num, id FROM multifd_send', 'r2');
    const d = await sampleDistinct(engine.ws.conn, r.table, r.columns);
    expect(d.get('packet_num')).toBeGreaterThan(16);
    expect((await suggestChart(engine.ws.conn, r)).spec).toMatchObject({ x: 'ts_ns', y: ['packet_num'], series: 'id' });
  });
});
