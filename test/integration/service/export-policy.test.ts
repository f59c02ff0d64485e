// Where exports may go. A browser session (locked down, SERVED_EXPORTS) writes only new files in
// qtw-exports/ beside its workspace: the workspace, its WAL, any existing file, a symlink leading
// out and ../ escapes are refused in one line, and the workspace still opens afterwards. A
// desktop session writes where its host allows, but never over the workspace or its WAL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { SERVED_EXPORTS } from '../../../src-main/service/export-policy.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';
import { failure } from '../../helpers/failure.ts';

const SRC = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4/src.log');
const SQL = 'SELECT name, count(*) AS n FROM events GROUP BY name ORDER BY n DESC, name';

async function tracesIn(ws: string): Promise<number> {
  const e = await WorkspaceEngine.open(ws, { readOnly: true });
  try {
    return Number((await e.ws.conn.runAndReadAll('SELECT count(*) FROM traces')).getRows()[0][0]);
  } finally {
    e.close();
  }
}

describe('exports from a served (browser) session', () => {
  const tmp = scratch('qtw-export-policy-');
  const ws = path.join(tmp.dir, 'ws.duckdb');
  const exportsDir = path.join(tmp.dir, 'qtw-exports');
  const outside = path.join(tmp.dir, 'elsewhere');
  let svc: EngineService;
  let handle: number;
  let rowCount: number;

  beforeAll(async () => {
    const e = await WorkspaceEngine.open(ws);
    expect((await e.openInputs([SRC], { catalogues: [DEBIAN_72] })).errors).toEqual([]);
    e.close();
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'precious.txt'), 'keep me');
    writeFileSync(path.join(tmp.dir, 'notes.txt'), 'beside the workspace');
    svc = await EngineService.open(ws, { host: 'server', lockDown: true, allowExport: SERVED_EXPORTS });
    // A transaction keeps the WAL in use while the session is open.
    const r = await svc.call('runQuery', { sql: SQL });
    handle = r.handle;
    rowCount = r.rowCount;
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    tmp.cleanup();
  });

  it('refuses the workspace, its WAL, existing files, symlinks out and ../ escapes, in one line', async () => {
    mkdirSync(exportsDir, { recursive: true });
    writeFileSync(path.join(exportsDir, 'old.csv'), 'earlier export');
    symlinkSync(path.join(outside, 'precious.txt'), path.join(exportsDir, 'link.csv'));
    symlinkSync(path.join(outside, 'new.csv'), path.join(exportsDir, 'dangling.csv'));
    symlinkSync(outside, path.join(exportsDir, 'sub'));
    symlinkSync(ws, path.join(exportsDir, 'ws.csv'));
    const wsBytes = readFileSync(ws);
    for (const p of [
      ws,
      `${ws}.wal`,
      path.join(tmp.dir, 'notes.txt'),
      path.join(tmp.dir, 'fresh.csv'),
      path.join(exportsDir, 'old.csv'),
      path.join(exportsDir, 'link.csv'),
      path.join(exportsDir, 'dangling.csv'),
      path.join(exportsDir, 'ws.csv'),
      path.join(exportsDir, 'sub', 'x.csv'),
      path.join(exportsDir, '..', 'ws.duckdb'),
      path.join(exportsDir, '..', 'ws.duckdb.wal'),
      '../ws.duckdb',
      'sub/x.csv',
      '..',
      '.hidden.csv',
      'old.csv',
      'dangling.csv',
    ]) {
      for (const method of ['exportResult', 'exportReport'] as const) {
        const f =
          method === 'exportResult'
            ? await failure(svc.call('exportResult', { handle, format: 'csv', path: p }))
            : await failure(svc.call('exportReport', { format: 'html', redact: false, path: p }));
        expect(f.message, `${method} ${p}`).toMatch(/not allowed|already exists/);
        expect(f.message).not.toMatch(/\n/);
      }
    }
    expect(readFileSync(ws).equals(wsBytes)).toBe(true);
    expect(readFileSync(path.join(tmp.dir, 'notes.txt'), 'utf8')).toBe('beside the workspace');
    expect(readFileSync(path.join(exportsDir, 'old.csv'), 'utf8')).toBe('earlier export');
    expect(readdirSync(outside)).toEqual(['precious.txt']);
    expect(readFileSync(path.join(outside, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(path.join(tmp.dir, 'fresh.csv'))).toBe(false);
    // Still a workspace that answers queries.
    const again = await svc.call('runQuery', { sql: 'SELECT count(*) FROM traces' });
    expect((await svc.call('fetchRows', { handle: again.handle, offset: 0, count: 1, sort: null })).rows).toEqual([[1]]);
  }, 60_000);

  it('writes a new file given by name or by a path in the export folder, once', async () => {
    const byName = await svc.call('exportResult', { handle, format: 'parquet', path: 'counts.parquet' });
    expect(byName).toEqual({ path: path.join(exportsDir, 'counts.parquet'), rows: rowCount });
    const check = await DuckDBInstance.create(':memory:');
    const c = await check.connect();
    const back = (await c.runAndReadAll(`SELECT count(*) FROM '${byName.path}'`)).getRows()[0][0];
    c.closeSync();
    check.closeSync();
    expect(Number(back)).toBe(rowCount);
    const second = await failure(svc.call('exportResult', { handle, format: 'csv', path: 'counts.parquet' }));
    expect(second.message).toMatch(/counts\.parquet already exists/);
    expect(statSync(byName.path).size).toBeGreaterThan(0);

    const byPath = await svc.call('exportResult', { handle, format: 'csv', path: path.join(exportsDir, 'counts.csv') });
    expect(readFileSync(byPath.path, 'utf8').split('\n')[0]).toBe('name,n');
    expect((await failure(svc.call('exportResult', { handle, format: 'csv', path: path.join(exportsDir, 'counts.csv') }))).message).toMatch(/already exists/);

    await svc.call('saveReport', {
      report: { title: 't', items: [{ kind: 'query', id: 'q', title: 'q', sql: SQL, show: 'both', chart: { kind: 'bar', x: 'name', y: ['n'], series: null, maxPoints: 100 }, maxRows: 5 }] },
    });
    const md = await svc.call('exportReport', { format: 'markdown', redact: false, path: 'mine.md' });
    expect(md.path).toBe(path.join(exportsDir, 'mine.md'));
    expect(readdirSync(path.join(exportsDir, 'mine-charts')).length).toBeGreaterThan(0);
    expect((await failure(svc.call('exportReport', { format: 'markdown', redact: false, path: 'mine.md' }))).message).toMatch(/already exists/);
    // The charts folder of a report is new too: a markdown report whose charts folder exists is refused.
    mkdirSync(path.join(exportsDir, 'taken-charts'));
    expect((await failure(svc.call('exportReport', { format: 'markdown', redact: false, path: 'taken.md' }))).message).toMatch(/taken-charts already exists/);
    expect(existsSync(path.join(exportsDir, 'taken.md'))).toBe(false);
    // No staging folder is left behind.
    expect(readdirSync(exportsDir).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 60_000);

  it('leaves a workspace that opens and queries after the session', async () => {
    await svc.close();
    expect(await tracesIn(ws)).toBe(1);
  });
});

describe('exports from a desktop session', () => {
  it('write where the host allows, replacing a chosen file, but never the workspace or its WAL', async () => {
    const tmp = scratch('qtw-export-desktop-');
    const ws = path.join(tmp.dir, 'ws.duckdb');
    const svc = await EngineService.open(ws, { host: 'electron', allowExport: () => true });
    try {
      const r = await svc.call('runQuery', { sql: 'SELECT range AS i FROM range(10)' });
      for (const p of [ws, `${ws}.wal`, `${tmp.dir}/./ws.duckdb`]) {
        const f = await failure(svc.call('exportResult', { handle: r.handle, format: 'csv', path: p }));
        expect(f.message, p).toMatch(/not allowed: it is the workspace/);
      }
      const link = path.join(tmp.dir, 'link.csv');
      symlinkSync(ws, link);
      expect((await failure(svc.call('exportResult', { handle: r.handle, format: 'csv', path: link }))).message).toMatch(/it is the workspace/);
      const walLink = path.join(tmp.dir, 'wal.csv');
      symlinkSync(`${ws}.wal`, walLink);
      expect((await failure(svc.call('exportResult', { handle: r.handle, format: 'csv', path: walLink }))).message).toMatch(/WAL|symbolic link/);
      expect((await failure(svc.call('exportReport', { format: 'html', redact: false, path: ws }))).message).toMatch(/it is the workspace/);
      const out = path.join(tmp.dir, 'out.csv');
      writeFileSync(out, 'old');
      expect(await svc.call('exportResult', { handle: r.handle, format: 'csv', path: out })).toEqual({ path: out, rows: 10 });
      expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('i');
    } finally {
      await svc.close();
    }
    expect(await tracesIn(ws)).toBe(0);
    tmp.cleanup();
  });
});
