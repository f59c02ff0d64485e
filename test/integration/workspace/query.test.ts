// The query runner: paging over a materialized result, re-sorting, column types, exact 64-bit
// values, statements without result sets, errors, and cancelling a slow query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { QueryError, QueryRunner, splitStatements, toJsonValue } from '../../../src-main/workspace/query.ts';
import { Workspace } from '../../../src-main/workspace/workspace.ts';
import { scratch } from '../../helpers/paths.ts';

const tmp = scratch();
let ws: Workspace;
let runner: QueryRunner;

beforeAll(async () => {
  ws = await Workspace.open(path.join(tmp.dir, 'q.duckdb'));
  runner = new QueryRunner(ws.conn);
});
afterAll(() => {
  ws.close();
  tmp.cleanup();
});

describe('QueryRunner', () => {
  it('pages a large result without holding it, with types and exact 64-bit values', async () => {
    const h = await runner.run(`SELECT i, i::UBIGINT * 184467440737095 AS big, 'row ' || i AS label FROM range(100000) t(i)`);
    expect(h.rowCount).toBe(100000);
    expect(h.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['i:BIGINT', 'big:UBIGINT', 'label:VARCHAR']);
    const page = await runner.fetchRows(h.id, 99990, 20);
    expect(page).toHaveLength(10);
    expect(page[0]).toEqual([99990n, 99990n * 184467440737095n, 'row 99990']);
    // 1.8e19 does not fit a double exactly: JSON gets the decimal string.
    expect(toJsonValue(page[0][1])).toBe((99990n * 184467440737095n).toString());
    expect(toJsonValue(page[0][0])).toBe(99990);
    const sorted = await runner.fetchRows(h.id, 0, 3, { column: 'i', desc: true });
    expect(sorted.map((r) => r[0])).toEqual([99999n, 99998n, 99997n]);
    await runner.release(h.id);
    await expect(runner.fetchRows(h.id, 0, 1)).rejects.toThrow(/unknown result handle/);
  });

  it('runs several statements and keeps the last result; non-SELECT results are kept inline', async () => {
    const h = await runner.run(`CREATE TEMP TABLE x AS SELECT 1 AS a; INSERT INTO x VALUES (2); SELECT sum(a) AS s FROM x`);
    expect(await runner.fetchRows(h.id, 0, 10)).toEqual([[3n]]);
    const d = await runner.run(`DESCRIBE x`);
    expect(d.rowCount).toBe(1);
    expect((await runner.fetchRows(d.id, 0, 10))[0][0]).toBe('a');
  });

  it('reports SQL errors as one-line QueryErrors', async () => {
    await expect(runner.run('SELECT * FROM nowhere')).rejects.toBeInstanceOf(QueryError);
    await expect(runner.run('SELEC 1')).rejects.toThrow(/syntax error/i);
    await expect(runner.run('   ')).rejects.toThrow(/no SQL statement/);
  });

  it('cancels a slow query', async () => {
    const slow = runner.run(`SELECT count(*) FROM range(10000000000) a, range(1000) b WHERE a.range * b.range % 7 = 3`);
    await new Promise((r) => setTimeout(r, 300));
    runner.cancel();
    // Without the cancel the query runs for hours, past the test timeout.
    await expect(slow).rejects.toThrow(/interrupt/i);
    // The connection is usable afterwards.
    const h = await runner.run('SELECT 42 AS x');
    expect(await runner.fetchRows(h.id, 0, 1)).toEqual([[42]]);
  });

  it('splits statements outside quotes and comments', () => {
    expect(splitStatements(`SELECT ';' AS a; -- x;y\nSELECT "b;c" FROM t; /* ; */ SELECT 3`)).toEqual([
      `SELECT ';' AS a`,
      `SELECT "b;c" FROM t`,
      `SELECT 3`,
    ]);
  });
});
