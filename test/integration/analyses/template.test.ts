// Template expansion: event placeholders name only tables that exist, pick the argument name a
// table has, and stand in an empty typed relation otherwise; the result is valid DuckDB SQL.
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { renderTemplate, type TableColumns } from '../../../src-main/analyses/template.ts';

function tables(spec: Record<string, string[]>): TableColumns {
  return new Map(Object.entries(spec).map(([t, cols]) => [t, new Set(cols)]));
}

const FIXED = ['trace_id', 'side', 'seq', 'ts_ns', 'tid', 'pid'];

describe('renderTemplate', () => {
  it('expands {{has}} to whether any named table exists', () => {
    const t = tables({ b: FIXED });
    expect(renderTemplate('SELECT {{has a}}, {{has a|b}}', t)).toBe('SELECT false, true');
  });

  it('unions the tables present and leaves out the others', () => {
    const sql = renderTemplate('{{events a|b|c: x BIGINT}}', tables({ a: [...FIXED, 'x'], c: [...FIXED, 'x'] }));
    expect(sql).toContain('FROM "a"');
    expect(sql).toContain('FROM "c"');
    expect(sql).not.toContain('"b"');
    expect(sql.match(/UNION ALL/g)).toHaveLength(1);
  });

  it('takes the first alternative argument name the table has, NULL when none', () => {
    const sql = renderTemplate('{{events m: transferred=transferred|tranferred UBIGINT, gone INTEGER}}', tables({ m: [...FIXED, 'tranferred'] }));
    expect(sql).toContain('TRY_CAST("tranferred" AS UBIGINT) AS "transferred"');
    expect(sql).toContain('NULL::INTEGER AS "gone"');
  });

  it('rejects malformed placeholders instead of producing broken SQL', () => {
    expect(() => renderTemplate('{{events a: x}}', tables({}))).toThrow(/bad column spec/);
    expect(() => renderTemplate('{{events a;b}}', tables({}))).toThrow(/bad table name/);
  });

  it('renders SQL DuckDB accepts, with identical columns whether or not the table exists', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.run(`CREATE TABLE ev(trace_id INTEGER, side VARCHAR, seq BIGINT, ts_ns BIGINT, tid INTEGER, pid INTEGER, n VARCHAR)`);
    await conn.run(`INSERT INTO ev VALUES (1, 'src', 1, 10, 7, NULL, '42'), (1, 'src', 2, 20, 7, NULL, 'x'), (2, 'src', 0, 10, 7, NULL, '42')`);
    // Trace 2 is an alternate of trace 1 (the same QEMU traced by another backend): left out.
    await conn.run(`CREATE TABLE traces(trace_id INTEGER, alternate_of INTEGER)`);
    await conn.run(`INSERT INTO traces VALUES (1, NULL), (2, 1)`);
    const template = 'SELECT * FROM {{events ev|missing: n BIGINT}}';
    const describeOf = async (t: TableColumns) =>
      (await conn.runAndReadAll(`DESCRIBE ${renderTemplate(template, t)}`)).getRowsJS().map((r) => `${r[0]} ${r[1]}`);
    const present = tables({ ev: [...FIXED, 'n'] });
    expect(await describeOf(present)).toEqual(await describeOf(tables({})));
    const got = (await conn.runAndReadAll(renderTemplate(template, present))).getRowsJS();
    // A value that does not fit the declared type becomes NULL rather than failing the view.
    expect(got.map((r) => [r[5], r[6]])).toEqual([
      ['ev', 42n],
      ['ev', null],
    ]);
    const empty = (await conn.runAndReadAll(renderTemplate(template, tables({})))).getRowsJS();
    expect(empty).toEqual([]);
    conn.closeSync();
  });
});
