// Redaction decides that a value is a pointer by where it came from (an event argument typed
// `T *` in the catalogue), not by its column's name or size: on the 7.2 b-multifd4 sample, counts
// (a `count(*) AS n`, whose name some catalogue event uses for a pointer argument) and RAM offsets
// survive a redacted report unchanged, while ram_load_loop's `void *host`, hex-printed pointers,
// paths and the host name are replaced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { reportFromArgs } from '../../../src-main/report/cli-spec.ts';
import { pointerCatalogue, resultPointerColumns, type PointerCatalogue } from '../../../src-main/report/result-pointers.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const SAMPLE = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const Q_COUNTS = 'SELECT name, count(*) AS n FROM events GROUP BY name ORDER BY n DESC, name';
const Q_PAGES = 'SELECT seq, rbname, addr, host FROM ram_load_loop ORDER BY trace_id, seq LIMIT 40';
const Q_HEX = `SELECT seq, printf('0x%x', host) AS h FROM ram_load_loop ORDER BY trace_id, seq LIMIT 5`;

/** Rows of the Markdown table under a heading, cells as text. */
function mdTable(md: string, heading: string): string[][] {
  const lines = md.slice(md.indexOf(heading)).split('\n');
  const start = lines.findIndex((l) => l.startsWith('| '));
  const out: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i].startsWith('| '); i++) out.push(lines[i].slice(2, -2).split(' | '));
  return out;
}

describe('redaction by column origin (7.2 b-multifd4)', () => {
  const tmp = scratch('qtw-redact-origin-');
  const ws = path.join(tmp.dir, 'ws.duckdb');
  const out = path.join(tmp.dir, 'out');
  let inst: DuckDBInstance;
  let conn: DuckDBConnection;
  let catalogue: PointerCatalogue;
  let md = '';
  const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJS();

  beforeAll(async () => {
    const e = await WorkspaceEngine.open(ws);
    try {
      const r = await e.openInputs([path.join(SAMPLE, 'src.log'), path.join(SAMPLE, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
      expect(r.errors).toEqual([]);
    } finally {
      e.close();
    }
    const spec = reportFromArgs(
      [
        { name: 'analysis', value: 'multifd_channels' },
        { name: 'query', value: Q_COUNTS },
        { name: 'query', value: Q_PAGES },
        { name: 'query', value: Q_HEX },
        { name: 'query', value: `SELECT path, '${os.hostname()}' AS me FROM traces` },
      ],
      'redacted',
    );
    const svc = await EngineService.open(ws, { host: 'cli', readOnly: true });
    try {
      await svc.writeReport(spec, out, true);
    } finally {
      await svc.close();
    }
    md = readFileSync(path.join(out, 'report.md'), 'utf8');
    inst = await DuckDBInstance.create(ws, { access_mode: 'READ_ONLY' });
    conn = await inst.connect();
    catalogue = await pointerCatalogue(conn);
  }, 120_000);

  afterAll(() => {
    conn?.closeSync();
    inst?.closeSync();
    tmp.cleanup();
  });

  it('keeps counts, even under a name that is a pointer argument of some event', async () => {
    expect([...catalogue.values()].some((cols) => cols.has('n'))).toBe(true);
    const want = (await q(Q_COUNTS)).map(([name, n]) => [String(name), String(n)]);
    expect(want.length).toBeGreaterThan(20);
    expect(want.some(([, n]) => Number(n) >= 0x10000) || want.some(([, n]) => Number(n) > 1000)).toBe(true);
    const shown = mdTable(md, '## 2. ');
    expect(shown.length).toBeGreaterThan(20);
    expect(shown).toEqual(want.slice(0, shown.length));
    const csv = readFileSync(path.join(out, 'data/item-2.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(csv).toEqual(want);
  });

  it('keeps the multifd analysis counts (packets, pages, bytes)', async () => {
    const rows = mdTable(md, '## 1. ');
    const want = await q('SELECT trace_id, channel, packets, pages, bytes FROM multifd_channels ORDER BY trace_id, side, channel');
    expect(rows.length).toBe(want.length);
    expect(want.length).toBeGreaterThan(0);
    const header = md.slice(md.indexOf('## 1. ')).split('\n').find((l) => l.startsWith('| '))!.slice(2, -2).split(' | ');
    const at = (c: string) => header.indexOf(c);
    expect(rows.map((r) => [r[at('trace_id')], r[at('channel')], r[at('packets')], r[at('pages')], r[at('bytes')]])).toEqual(want.map((r) => r.map(String)));
    expect(md.slice(md.indexOf('## 1. '), md.indexOf('## 2. '))).not.toMatch(/ptr-\d/);
  });

  it('replaces the pointer-typed host column, keeps RAM offsets, and redacts hex-printed pointers', async () => {
    const want = await q(Q_PAGES);
    const rows = mdTable(md, '## 3. ');
    expect(rows.length).toBe(want.length);
    for (const [i, [seq, rbname, addr, host]] of want.entries()) {
      expect(rows[i].slice(0, 3)).toEqual([String(seq), String(rbname), String(addr)]);
      expect(rows[i][3]).toMatch(/^ptr-\d+$/);
      expect(md).not.toContain(String(host));
    }
    expect(want.some(([, , addr]) => Number(addr) >= 0x10000)).toBe(true);
    const hex = mdTable(md, '## 4. ');
    expect(hex.length).toBe(5);
    for (const [, h] of hex) expect(h).toMatch(/^ptr-\d+$/);
    // The same pointer → the same placeholder, whether it came as an integer or as hex text.
    expect(hex[0][1]).toBe(rows[0][3]);
  });

  it('replaces paths and the host name', async () => {
    const [row] = mdTable(md, '## 5. ');
    expect(row[0]).toMatch(/^path-\d+$/);
    expect(row[1]).toMatch(/^host-\d+$/);
    for (const [p] of await q('SELECT path FROM traces')) expect(md).not.toContain(String(p));
  });

  it.each([
    ['SELECT * FROM ram_load_loop LIMIT 1', (c: string) => c === 'host'],
    ['SELECT r.host AS h, count(*) AS n FROM ram_load_loop r GROUP BY ALL', (c: string) => c === 'h'],
    ['WITH x AS (SELECT host AS p, addr FROM ram_load_loop) SELECT max(p) AS top, addr FROM (SELECT * FROM x) GROUP BY addr', (c: string) => c === 'top'],
    ['SELECT a.*, b.host FROM ram_load_loop a JOIN ram_load_loop b ON a.seq = b.seq AND a.trace_id = b.trace_id LIMIT 1', (c: string) => c.startsWith('host')],
    ['SELECT host + 0 AS host, count(*) AS n FROM ram_load_loop GROUP BY 1', () => false],
    ['SELECT host FROM ram_load_loop UNION ALL SELECT 1', () => false],
    ['SELECT n, host FROM (SELECT count(*) AS n, 7 AS host FROM events)', () => false],
  ])('follows result columns back to their event column: %s', async (sql, isPointer) => {
    const names = (await conn.runAndReadAll(`SELECT * FROM (${sql}) LIMIT 0`)).columnNames();
    expect(await resultPointerColumns(conn, sql, names.map((name) => ({ name })), catalogue)).toEqual(names.map(isPointer));
  });
});
