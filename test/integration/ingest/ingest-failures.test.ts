// How `qtw ingest` ends when part of its input, or its workspace, is bad: an unreadable entry in
// a folder costs that entry only, an empty tar is said to be empty, a failed first ingest leaves
// no workspace behind, and a damaged workspace fails the command. Real files, real processes.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, openSync, closeSync, symlinkSync, writeSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../helpers/paths.ts';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const SRC = path.join(B, 'src.log');
const DST = path.join(B, 'dst.log.gz');

function qtw(args: string[], prefix: string[] = []) {
  const cmd = [...prefix, process.execPath, path.join(REPO, 'bin/qtw.mjs'), ...args];
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', cwd: tmp.dir, env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  return { code: r.status, err: r.stderr };
}

function dir(name: string): string {
  const d = path.join(tmp.dir, name);
  mkdirSync(d);
  return d;
}

// Permission bits do not stop root: the folder walk is run as an unprivileged user instead.
const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const canDropPrivileges = process.getuid?.() === 0 && spawnSync(AS_NOBODY[0], [...AS_NOBODY.slice(1), 'true']).status === 0;

describe('qtw ingest of a folder with entries it cannot read', () => {
  it.skipIf(!canDropPrivileges)('names each unreadable entry, mentions a dangling link, and ingests the other traces', () => {
    chmodSync(tmp.dir, 0o755);
    const root = dir('walk');
    const input = path.join(root, 'in');
    mkdirSync(path.join(input, 'b-sub'), { recursive: true });
    mkdirSync(path.join(input, 'a-locked'));
    copyFileSync(SRC, path.join(input, 'a-locked', 'hidden.log'));
    copyFileSync(SRC, path.join(input, 'a-unreadable.log'));
    copyFileSync(DST, path.join(input, 'b-sub', 'dst.log.gz'));
    copyFileSync(SRC, path.join(input, 'c-src.log'));
    symlinkSync('nowhere', path.join(input, 'd-dangling'));
    for (const d of [root, input, path.join(input, 'b-sub')]) chmodSync(d, 0o755);
    for (const f of [path.join(input, 'b-sub', 'dst.log.gz'), path.join(input, 'c-src.log')]) chmodSync(f, 0o644);
    chmodSync(path.join(input, 'a-locked'), 0o700);
    chmodSync(path.join(input, 'a-unreadable.log'), 0o600);
    const out = path.join(root, 'out');
    mkdirSync(out);
    chownSync(out, 65534, 65534);

    const r = qtw(['ingest', '-q', '-o', path.join(out, 'w.duckdb'), '--catalogue', DEBIAN_72, input], AS_NOBODY);
    const lines = r.err.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('trace '))).toEqual([
      expect.stringMatching(/^trace 1: .*b-sub\/dst\.log\.gz: log /),
      expect.stringMatching(/^trace 2: .*c-src\.log: log /),
    ]);
    expect(lines).toContain(`${path.join(input, 'a-locked')}: cannot list directory (EACCES: permission denied)`);
    expect(lines).toContain(`${path.join(input, 'a-unreadable.log')}: cannot open (EACCES: permission denied)`);
    expect(lines).toContain(`${path.join(input, 'd-dangling')}: symbolic link to nowhere, which does not exist (skipped)`);
    // Plus the progress line of the sub-folder that held a trace (folders of runs are reported per folder).
    expect(lines.filter((l) => l.startsWith('folder '))).toEqual([expect.stringMatching(/^folder .*b-sub: 1 file, /)]);
    expect(lines).toHaveLength(6);
    expect(r.code).toBe(1);
  });
});

describe('qtw ingest of an empty archive', () => {
  it('says an empty tar holds nothing, as for an empty zip', () => {
    const d = dir('empty-tar');
    // What `tar cf empty.tar --files-from /dev/null` writes: the end-of-archive blocks, padded.
    writeFileSync(path.join(d, 'empty.tar'), Buffer.alloc(10240));
    const r = qtw(['ingest', '-q', '-o', path.join(d, 'w.duckdb'), '--catalogue', DEBIAN_72, path.join(d, 'empty.tar')]);
    expect([r.code, r.err.trim()]).toEqual([1, `${path.join(d, 'empty.tar')}: no QEMU trace found (nothing to read in it)`]);
  });
});

describe('qtw ingest that adds nothing to a new workspace', () => {
  it('removes the workspace it created', () => {
    const d = dir('first-fails');
    const ws = path.join(d, 'new.duckdb');
    writeFileSync(path.join(d, 'garbage.log'), 'this is not a trace\n'.repeat(100));
    for (const input of [path.join(d, 'missing.log'), path.join(d, 'garbage.log')]) {
      const r = qtw(['ingest', '-q', '-o', ws, '--catalogue', DEBIAN_72, input]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(input);
      expect([existsSync(ws), existsSync(`${ws}.wal`)]).toEqual([false, false]);
    }
  });

  it('keeps a workspace that existed before, and one a trace was added to', () => {
    const d = dir('first-adds');
    const ws = path.join(d, 'w.duckdb');
    const r = qtw(['ingest', '-q', '-o', ws, '--catalogue', DEBIAN_72, SRC, path.join(d, 'missing.log')]);
    expect(r.code).toBe(1);
    expect(existsSync(ws)).toBe(true);
    const again = qtw(['ingest', '-q', '-o', ws, '--catalogue', DEBIAN_72, path.join(d, 'missing.log')]);
    expect(again.code).toBe(1);
    expect(existsSync(ws)).toBe(true);
  });
});

async function withDb<T>(file: string, readOnly: boolean, f: (run: (sql: string) => Promise<unknown[][]>) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(file, readOnly ? { access_mode: 'READ_ONLY' } : {});
  const conn = await db.connect();
  try {
    return await f(async (sql) => (await conn.runAndReadAll(sql)).getRows());
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('qtw ingest into a damaged workspace', () => {
  it('fails with one line naming the workspace', async () => {
    const d = dir('damaged');
    const ws = path.join(d, 'w.duckdb');
    expect(qtw(['ingest', '-q', '-o', ws, '--catalogue', DEBIAN_72, SRC]).code).toBe(0);
    // Damage the block holding migrate_set_state's rows, which clock alignment reads: DuckDB's
    // file is three 4 KiB headers, then blocks of block_size bytes, each led by its checksum.
    const [blockSize, blockId] = await withDb(ws, true, async (run) => {
      const [[size]] = await run('SELECT block_size FROM pragma_database_size()');
      const [[id]] = await run(`SELECT min(block_id) FROM pragma_storage_info('migrate_set_state') WHERE persistent AND block_id >= 0`);
      return [Number(size), Number(id)];
    });
    const fd = openSync(ws, 'r+');
    writeSync(fd, Buffer.from('GARBAGEGARBAGE'), 0, 14, 3 * 4096 + blockId * blockSize + 100);
    closeSync(fd);
    // The damage is where DuckDB looks: reading the table's rows fails its checksum.
    const copy = path.join(d, 'copy.duckdb');
    copyFileSync(ws, copy);
    await expect(withDb(copy, true, (run) => run('SELECT * FROM migrate_set_state'))).rejects.toThrow(/Corrupt database file/);

    const r = qtw(['ingest', '-q', '-o', ws, '--catalogue', DEBIAN_72, DST]);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^qtw: ${ws.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the workspace is damaged \\(DuckDB: Corrupt database file: .*block.*\\)$`))]);
    expect(r.code).toBe(1);
  });
});
