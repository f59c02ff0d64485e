// Acceptance of simpletrace.py text output as a trace format, on QEMU 10.2.50's real output beside
// the binaries it was printed from: the typed rows of the text and of the binary must be equal
// value for value, and the text's relative clock the binary's minus its first record. The script
// prints each delta as `%0.3f` of ns / 1000, i.e. the exact nanoseconds (deltas stay far below
// the 2^53 µs where a double would round them): the tolerance is 0 ns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { WorkspaceEngine } from '../../../../src-main/service/workspace-engine.ts';
import { SAMPLES, scratch } from '../../../helpers/paths.ts';

const DIR = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const CAT = path.join(DIR, 'trace-events-all');
const PAIRS = [
  ['src.simple.gz', 'simpletrace-py-output.txt.gz'],
  ['dst.simple.gz', 'simpletrace-py-output-dst.txt.gz'],
] as const;

async function rows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

describe('simpletrace.py text output of the 10.2.50 a-precopy traces', () => {
  const tmp = scratch();
  let engine: WorkspaceEngine;
  const id: Record<string, number> = {};

  beforeAll(async () => {
    engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    const files = PAIRS.flat();
    const r = await engine.openInputs(files.map((f) => path.join(DIR, f)), { catalogues: [CAT] });
    expect(r.errors).toEqual([]);
    for (const t of r.traces) id[path.basename(t.path)] = t.traceId;
    expect(Object.keys(id).sort()).toEqual([...files].sort());
  }, 300_000);
  afterAll(() => {
    engine?.close();
    tmp.cleanup();
  });

  it('the text is read as simpletrace-py with a relative clock, every line typed', async () => {
    for (const [bin, text] of PAIRS) {
      const [[format, prefix, clock, unparsed, records, events, droppedRecords, dropped, firstTs]] = await rows(
        engine,
        `SELECT format, prefix_style, clock, unparsed, records, events, dropped_records, dropped, first_ts_ns FROM traces WHERE trace_id = ${id[text]}`,
      );
      expect([format, prefix, clock, unparsed, firstTs]).toEqual(['simpletrace-py', 'simpletrace.py', 'relative', 0n, 0n]);
      const [[bRecords, bEvents, bDroppedRecords, bDropped]] = await rows(
        engine,
        `SELECT records, events, dropped_records, dropped FROM traces WHERE trace_id = ${id[bin]}`,
      );
      expect([records, events, droppedRecords, dropped]).toEqual([bRecords, bEvents, bDroppedRecords, bDropped]);
    }
  });

  it.each(PAIRS)('%s and its simpletrace.py text have equal typed rows, ts_ns rebased on the first record', async (bin, text) => {
    const b = id[bin];
    const t = id[text];
    // The first record of the binary (dropped records included) is the script's 0.000.
    const [[minTs]] = await rows(
      engine,
      `SELECT ts_ns FROM (SELECT seq, ts_ns FROM events WHERE trace_id = ${b} UNION ALL SELECT seq, ts_ns FROM dropped WHERE trace_id = ${b}) ORDER BY seq LIMIT 1`,
    );
    const origin = BigInt(minTs as bigint);

    const names = (await rows(engine, `SELECT DISTINCT name FROM events WHERE trace_id IN (${b}, ${t}) ORDER BY 1`)).map((r) => String(r[0]));
    expect(names.length).toBeGreaterThan(30);
    let compared = 0;
    for (const name of names) {
      const cols = (await rows(engine, `SELECT column_name FROM information_schema.columns WHERE table_name = '${name.replaceAll("'", "''")}' ORDER BY ordinal_position`))
        .map((r) => String(r[0]))
        .filter((c) => c !== 'trace_id' && c !== 'side' && c !== 'ts_ns');
      const sel = cols.map((c) => `"${c}"`).join(', ');
      const fromBin = await rows(engine, `SELECT ${sel}, ts_ns - ${origin} FROM "${name}" WHERE trace_id = ${b} ORDER BY seq`);
      const fromText = await rows(engine, `SELECT ${sel}, ts_ns FROM "${name}" WHERE trace_id = ${t} ORDER BY seq`);
      expect(fromText, `${bin} ${name}`).toEqual(fromBin);
      compared += fromBin.length;
    }
    const [[n]] = await rows(engine, `SELECT events FROM traces WHERE trace_id = ${b}`);
    expect(compared).toBe(Number(n));

    const dBin = await rows(engine, `SELECT seq, ts_ns - ${origin}, pid, count FROM dropped WHERE trace_id = ${b} ORDER BY seq`);
    const dText = await rows(engine, `SELECT seq, ts_ns, pid, count FROM dropped WHERE trace_id = ${t} ORDER BY seq`);
    expect(dText).toEqual(dBin);
  });

  it('values are typed from the catalogue: bool from 0x1, strings from their bytes literals', async () => {
    const t = id['simpletrace-py-output.txt.gz'];
    expect(await rows(engine, `SELECT ts_ns, pid, result, succeeded FROM qmp_exit_migrate_set_capabilities WHERE trace_id = ${t}`)).toEqual([
      [1_804_337n + 61_849n + 11_208_789_471n + 109_155n + 61_504n + 5_183n + 74_846n + 12_486n + 2_588n, 15560, '{}', true],
    ]);
    expect(await rows(engine, `SELECT id FROM monitor_qmp_cmd_in_band WHERE trace_id = ${t} ORDER BY seq LIMIT 2`)).toEqual([['"src-1"'], ['"src-2"']]);
  });
});
