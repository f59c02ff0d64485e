// Output folders made one level at a time (bounded where Node's recursive mkdir spins) and
// disk-full errors said in one line naming the file.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diskFullMessage, makeOutputDir, makeOutputDirUndoable, withDiskFull } from '../../../src-main/workspace/output-fs.ts';
import { scratch } from '../../helpers/paths.ts';

describe('diskFullMessage', () => {
  it('names the file for Node ENOSPC/EDQUOT errors, the file DuckDB names otherwise, and ignores other errors', () => {
    const node = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(diskFullMessage(node, '/out/report.md')).toBe('/out/report.md: no space left on device');
    expect(diskFullMessage(Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT' }), '/q/x')).toBe('/q/x: no space left on device');
    const duck = new Error('TransactionContext Error: Failed to commit: Could not write file "/ws/w.duckdb.wal": No space left on device');
    expect(diskFullMessage(duck, '/ws/w.duckdb')).toBe('/ws/w.duckdb.wal: no space left on device');
    expect(diskFullMessage(new Error('IO Error: Cannot open file "/x": Permission denied'), '/x')).toBeNull();
    expect(diskFullMessage(Object.assign(new Error('EACCES'), { code: 'EACCES' }), '/x')).toBeNull();
  });

  it.skipIf(!existsSync('/dev/full'))('turns a real ENOSPC write (/dev/full) into one line', () => {
    let caught: unknown = null;
    try {
      writeFileSync('/dev/full', 'x'.repeat(1 << 16));
    } catch (e) {
      caught = withDiskFull(e, '/dev/full');
    }
    expect((caught as Error).message).toBe('/dev/full: no space left on device');
  });
});

describe('makeOutputDir', () => {
  it('creates missing parents and refuses a path through a file, in one line', () => {
    const tmp = scratch('qtw-outdir-');
    try {
      const deep = path.join(tmp.dir, 'a', 'b', 'c');
      expect(makeOutputDir(deep)).toBe(deep);
      expect(readdirSync(deep)).toEqual([]);
      writeFileSync(path.join(tmp.dir, 'file'), '');
      expect(() => makeOutputDir(path.join(tmp.dir, 'file', 'x'))).toThrow(/^\S+file\/x: cannot create the folder: .*not a folder$/);
    } finally {
      tmp.cleanup();
    }
  });

  it.skipIf(!existsSync('/proc/self'))('fails at once under /proc, where a recursive mkdir never returns', () => {
    expect(() => makeOutputDir('/proc/qtw-nope/x')).toThrow('/proc/qtw-nope/x: cannot create the folder: the file system does not allow it');
    expect(() => makeOutputDir('/proc/self/fd')).toThrow(/^\/proc\/self\/fd: cannot write into the folder/);
  });
});

describe('makeOutputDirUndoable', () => {
  it('undo removes the outermost folder it created, or only the new entries of a folder that existed', () => {
    const tmp = scratch('qtw-outdir-undo-');
    try {
      const fresh = makeOutputDirUndoable(path.join(tmp.dir, 'a', 'b'));
      mkdirSync(path.join(fresh.dir, 'events'));
      writeFileSync(path.join(fresh.dir, 'events', 'data_0.parquet'), '');
      fresh.undo();
      expect(readdirSync(tmp.dir)).toEqual([]);

      const old = path.join(tmp.dir, 'old');
      mkdirSync(path.join(old, 'data'), { recursive: true });
      writeFileSync(path.join(old, 'mine.txt'), 'x');
      writeFileSync(path.join(old, 'data', 'mine.csv'), 'x');
      const kept = makeOutputDirUndoable(old, ['data', 'charts']);
      writeFileSync(path.join(old, 'report.md'), '');
      writeFileSync(path.join(old, 'data', 'item-1.csv'), '');
      mkdirSync(path.join(old, 'charts'));
      writeFileSync(path.join(old, 'charts', 'item-1.png'), '');
      kept.undo();
      expect(readdirSync(old).sort()).toEqual(['data', 'mine.txt']);
      expect(readdirSync(path.join(old, 'data'))).toEqual(['mine.csv']);
    } finally {
      tmp.cleanup();
    }
  });
});
