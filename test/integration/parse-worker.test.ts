// The parse worker (used for large traces) must give exactly the tables in-thread decoding gives.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { Engine } from '../../src-main/service/engine.ts';
import { SAMPLES, scratch } from '../helpers/paths.ts';

const tmp = scratch();
afterAll(() => tmp.cleanup());
const DIR = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const INPUTS = ['src.log.gz', 'dst.simple.gz'].map((f) => path.join(DIR, f));
const CAT = path.join(DIR, 'trace-events-all');

async function snapshot(worker: '0' | '1'): Promise<Record<string, unknown[][]>> {
  const prev = process.env.QTW_PARSE_WORKER;
  process.env.QTW_PARSE_WORKER = worker;
  const engine = await Engine.open(path.join(tmp.dir, `w${worker}.duckdb`));
  try {
    const r = await engine.openInputs(INPUTS, { catalogues: [CAT] });
    expect(r.errors).toEqual([]);
    expect(r.traces).toHaveLength(2);
    const out: Record<string, unknown[][]> = {};
    const rows = async (sql: string) => {
      const acc: unknown[][] = [];
      await engine.streamQuery(sql, { columns() {}, rows: (x) => void acc.push(...x) });
      return acc;
    };
    out.traces = await rows(`SELECT trace_id, format, side, records, events, unparsed, first_ts_ns, last_ts_ns, sha256 FROM traces ORDER BY trace_id`);
    for (const [name] of await rows(`SELECT DISTINCT name FROM events ORDER BY 1`)) {
      out[String(name)] = await rows(`SELECT * FROM "${name}" ORDER BY trace_id, seq`);
    }
    return out;
  } finally {
    engine.close();
    if (prev === undefined) delete process.env.QTW_PARSE_WORKER;
    else process.env.QTW_PARSE_WORKER = prev;
  }
}

describe('parse worker', () => {
  it('gives the same tables as in-thread decoding (log and simpletrace)', async () => {
    const inThread = await snapshot('0');
    const worker = await snapshot('1');
    expect(Object.keys(worker).length).toBeGreaterThan(50);
    expect(worker).toEqual(inThread);
  });
});
