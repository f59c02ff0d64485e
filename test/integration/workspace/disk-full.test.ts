// A full disk, on small tmpfs mounts (root only; skipped where mounting is not allowed): ingest,
// exports and reports say "no space left on device" in one line naming the file, and an ingest
// that cannot create its workspace leaves no file behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { QueryFailure, ServerMessage } from '../../../src-main/contract.ts';
import { startServer } from '../../../src-main/hosts/server/server.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { SERVED_EXPORTS } from '../../../src-main/service/export-policy.ts';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../helpers/paths.ts';

const SRC = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4/src.log');
const tmp = scratch('qtw-disk-full-');
const mounts: string[] = [];

/** A fresh tmpfs of `size` at `dir`, or null when this process may not mount. */
function smallDisk(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    return null;
  }
  mounts.push(dir);
  return dir;
}

const canMount = (() => {
  const probe = smallDisk(path.join(tmp.dir, 'probe'), '4k');
  return probe !== null;
})();

afterAll(() => {
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', [m], { stdio: 'ignore', timeout: 10_000 });
    } catch {
      execFileSync('umount', ['-l', m], { stdio: 'ignore', timeout: 10_000 });
    }
  }
  tmp.cleanup();
});

function qtw(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/qtw.mjs'), ...args], { encoding: 'utf8', cwd: tmp.dir, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe.skipIf(!canMount)('a full disk', () => {
  const ws = path.join(tmp.dir, 'ws.duckdb');

  beforeAll(async () => {
    const e = await WorkspaceEngine.open(ws);
    expect((await e.openInputs([SRC], { catalogues: [DEBIAN_72] })).errors).toEqual([]);
    e.close();
  }, 60_000);

  it('an ingest that cannot create its workspace says so and leaves no file', () => {
    const disk = smallDisk(path.join(tmp.dir, 'tiny'), '4k')!;
    const target = path.join(disk, 'new.duckdb');
    const r = qtw('ingest', '-o', target, '--catalogue', DEBIAN_72, SRC);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`qtw: ${target}: no space left on device`);
    expect(readdirSync(disk)).toEqual([]);
  });

  it('an ingest whose commit does not fit names the workspace file, in one line', () => {
    const disk = smallDisk(path.join(tmp.dir, 'small'), '32k')!;
    const target = path.join(disk, 'w.duckdb');
    const r = qtw('ingest', '-o', target, '--catalogue', DEBIAN_72, '-q', SRC);
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n');
    expect(lines.filter((l) => /no space left on device/.test(l))).toEqual([`${target}.wal: no space left on device (${SRC} not added)`]);
    expect(r.err).not.toMatch(/TransactionContext|IO Error/);
  });

  it('export --parquet and report -o name the file that did not fit', () => {
    const disk = smallDisk(path.join(tmp.dir, 'out'), '64k')!;
    const ex = qtw('export', ws, '--parquet', path.join(disk, 'dataset'));
    expect(ex.code).toBe(1);
    expect(ex.err.trim().split('\n').pop()).toMatch(new RegExp(`^qtw: ${disk}/dataset/\\S+: no space left on device$`));
    const rep = qtw('report', ws, '-o', path.join(disk, 'report'), '--query', 'SELECT * FROM events', '--chart', 'line', '--analysis', 'migration_overview');
    expect(rep.code).toBe(1);
    expect(rep.err.trim()).toMatch(new RegExp(`^qtw: ${disk}/report\\S*: no space left on device$`));
  });

  it('a failed export --parquet or report -o leaves nothing behind, and a re-run after freeing space works', () => {
    const disk = smallDisk(path.join(tmp.dir, 'rerun'), '64k')!;
    const dataset = path.join(disk, 'dataset');
    expect(qtw('export', ws, '--parquet', dataset).code).toBe(1);
    expect(readdirSync(disk)).toEqual([]);
    // An existing folder keeps what it held; only this run's files and folders go.
    const report = path.join(disk, 'report');
    mkdirSync(path.join(report, 'data'), { recursive: true });
    writeFileSync(path.join(report, 'notes.txt'), 'mine');
    writeFileSync(path.join(report, 'data', 'keep.csv'), 'a\n1\n');
    writeFileSync(path.join(disk, 'filler'), Buffer.alloc(40 * 1024));
    const rep = qtw('report', ws, '-o', report, '--query', 'SELECT * FROM events', '--chart', 'line', '--analysis', 'migration_overview');
    expect(rep.code).toBe(1);
    expect(readdirSync(disk).sort()).toEqual(['filler', 'report']);
    expect(readdirSync(report).sort()).toEqual(['data', 'notes.txt']);
    expect(readdirSync(path.join(report, 'data'))).toEqual(['keep.csv']);
    rmSync(path.join(disk, 'filler'));
    rmSync(report, { recursive: true });
    execFileSync('mount', ['-o', 'remount,size=64m', disk], { stdio: 'ignore', timeout: 10_000 });
    const again = qtw('export', ws, '--parquet', dataset);
    expect(again.code).toBe(0);
    expect(readdirSync(dataset)).toContain('traces.parquet');
  }, 120_000);

  it('an upload that does not fit answers 507 naming the upload, and leaves no file', async () => {
    const uploads = smallDisk(path.join(tmp.dir, 'served', 'qtw-uploads'), '16k')!;
    const server = await startServer({
      endpoint: { handle: async () => ({ id: -1, ok: true, result: null }) as unknown as ServerMessage, onEvent: () => () => undefined },
      rendererDir: tmp.dir,
      uploadDir: uploads,
      token: 't',
    });
    try {
      const r = await fetch(`http://127.0.0.1:${server.port}/upload?token=t&name=big.log`, {
        method: 'POST',
        body: Buffer.alloc(256 * 1024, 'x'),
        signal: AbortSignal.timeout(20_000),
      });
      expect(r.status).toBe(507);
      expect((await r.text()).trim()).toBe('qtw-uploads/big.log: no space left on device');
      expect(readdirSync(uploads)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a served export that does not fit names the file and leaves nothing in the export folder', async () => {
    const folder = smallDisk(path.join(tmp.dir, 'qtw-exports'), '16k')!;
    const svc = await EngineService.open(ws, { host: 'server', lockDown: true, allowExport: SERVED_EXPORTS });
    try {
      const r = await svc.call('runQuery', { sql: 'SELECT range AS i, md5(range::VARCHAR) AS h FROM range(200000)' });
      const f = await svc.call('exportResult', { handle: r.handle, format: 'csv', path: 'big.csv' }).then(
        () => null,
        (e: QueryFailure) => e.message,
      );
      expect(f).toBe(`${path.join(folder, 'big.csv')}: no space left on device`);
      await svc.call('saveReport', {
        report: { title: 'all', items: [{ kind: 'query', id: 'q', title: 'q', sql: 'SELECT * FROM events', show: 'table', chart: null, maxRows: 10 }] },
      });
      const rep = await svc.call('exportReport', { format: 'zip', redact: false, path: 'r.zip' }).then(
        () => null,
        (e: QueryFailure) => e.message,
      );
      expect(rep).toBe(`report export failed: ${path.join(folder, 'r.zip')}: no space left on device`);
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      await svc.close();
    }
    expect(existsSync(ws)).toBe(true);
  }, 60_000);
});

