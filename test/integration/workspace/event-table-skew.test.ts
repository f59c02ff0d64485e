// Two traces typed by catalogues of different QEMU versions share an event table: a column the
// newer signature adds is added (NULL for the older trace), a type that changed is widened so both
// traces' values fit, and the second trace's table is found from the one columns query per trace.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { scratch } from '../../helpers/paths.ts';

const tmp = scratch();
afterAll(() => tmp.cleanup());

function put(name: string, text: string): string {
  const p = path.join(tmp.dir, name);
  writeFileSync(p, text);
  return p;
}

async function rows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const acc: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (x) => void acc.push(...x) });
  return acc;
}

describe('event tables across catalogue versions', () => {
  it('adds and widens columns, keeping every value', async () => {
    const older = put('old.trace-events', 'skew_event(uint8_t id, uint32_t pages) "channel %u pages %u"\nother_event(int x) "x %d"\n');
    const newer = put('new.trace-events', 'skew_event(uint8_t id, int pages, const char *name) "channel %u pages %d name %s"\nother_event(int x) "x %d"\n');
    const a = put('a.log', ['1@1700000000.000001:skew_event channel 1 pages 4000000000', '1@1700000000.000002:other_event x 5', ''].join('\n'));
    const b = put('b.log', ['2@1700000001.000001:skew_event channel 2 pages -7 name ram', '2@1700000001.000002:other_event x 6', ''].join('\n'));
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'skew.duckdb'));
    try {
      const r1 = await engine.openInputs([a], { catalogues: [older] });
      expect(r1.errors).toEqual([]);
      expect(r1.traces[0].unparsed).toBe(0);
      const r2 = await engine.openInputs([b], { catalogues: [newer] });
      expect(r2.errors).toEqual([]);
      expect(r2.traces[0].unparsed).toBe(0);
      const cols = await rows(engine, `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'skew_event' ORDER BY ordinal_position`);
      // uint32 and int meet in BIGINT; the new string column is added at the end.
      expect(cols.slice(6)).toEqual([
        ['id', 'UTINYINT'],
        ['pages', 'BIGINT'],
        ['name', 'VARCHAR'],
      ]);
      expect(await rows(engine, 'SELECT trace_id, id, pages, name FROM skew_event ORDER BY trace_id')).toEqual([
        [1, 1, 4000000000n, null],
        [2, 2, -7n, 'ram'],
      ]);
      expect(await rows(engine, 'SELECT trace_id, x FROM other_event ORDER BY trace_id')).toEqual([
        [1, 5],
        [2, 6],
      ]);
    } finally {
      engine.close();
    }
  });
});
