// Output folders and write failures said plainly. Node's recursive mkdir never returns under
// /proc or /sys (a missing entry there answers ENOENT even when its parent exists, and Node
// retries forever), so folders are made one level at a time; and a full disk is named as such,
// with the file that could not be written, instead of DuckDB's or libuv's wording.
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

function code(e: unknown): string | undefined {
  return (e as { code?: unknown })?.code === undefined ? undefined : String((e as { code?: unknown }).code);
}

function reason(e: unknown): string {
  switch (code(e)) {
    case 'ENOENT':
      return 'the file system does not allow it';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    default:
      return String((e as Error)?.message ?? e).split('\n')[0];
  }
}

/**
 * Creates `dir` and its missing parents, and checks that a folder can be made inside it (report
 * and Parquet writers make their own subfolders). Throws one line naming the folder. Returns the
 * absolute path.
 */
export function makeOutputDir(dir: string): string {
  return makeOutputDirFrom(dir).full;
}

/** makeOutputDir, also giving the outermost folder it created (null if `dir` already existed). */
function makeOutputDirFrom(dir: string): { full: string; created: string | null } {
  const full = path.resolve(dir);
  const missing: string[] = [];
  for (let at = full; ; ) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch (e) {
      if (code(e) !== 'ENOENT') throw new Error(`${full}: cannot create the folder: ${reason(e)}`);
      missing.push(at);
      const up = path.dirname(at);
      if (up === at) throw new Error(`${full}: cannot create the folder: ${reason(e)}`);
      at = up;
      continue;
    }
    if (!isDir) throw new Error(`${full}: cannot create the folder: ${at} is not a folder`);
    break;
  }
  const created = missing.length > 0 ? missing[missing.length - 1] : null;
  try {
    for (const d of missing.reverse()) {
      try {
        mkdirSync(d);
      } catch (e) {
        throw new Error(`${full}: cannot create the folder: ${reason(e)}`);
      }
    }
    const probe = path.join(full, `.qtw-probe-${process.pid}-${Date.now()}`);
    try {
      mkdirSync(probe);
      rmdirSync(probe);
    } catch (e) {
      throw new Error(`${full}: cannot write into the folder: ${reason(e)}`);
    }
  } catch (e) {
    if (created !== null) rmSync(created, { recursive: true, force: true });
    throw e;
  }
  return { full, created };
}

export interface OutputDir {
  /** The folder, absolute. */
  readonly dir: string;
  /** Removes what was written since: the folder itself if it was created, else the new entries. */
  undo(): void;
}

/**
 * makeOutputDir for a writer that, on failure, must leave no partial files behind (a re-run must
 * find the folder as it was, and a glob over many outputs must not pick up half-written files).
 * `subdirs` are the writer's own subfolders of `dir` whose new entries are removed too when the
 * subfolder already existed; deeper levels are not listed, so a large existing folder costs little.
 */
export function makeOutputDirUndoable(dir: string, subdirs: readonly string[] = []): OutputDir {
  const { full, created } = makeOutputDirFrom(dir);
  // Best effort: the write's own error is the one to report.
  const remove = (p: string) => {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      /* left for the user, who is told the write failed */
    }
  };
  if (created !== null) return { dir: full, undo: () => remove(created) };
  // null: unreadable, so nothing in it is known to be new.
  const listed = (d: string): Set<string> | null => {
    try {
      return new Set(existsSync(d) ? readdirSync(d) : []);
    } catch {
      return null;
    }
  };
  const before = new Map([full, ...subdirs.map((s) => path.join(full, s))].map((d) => [d, listed(d)] as const));
  return {
    dir: full,
    undo() {
      for (const [d, had] of before) {
        if (had === null) continue;
        for (const name of listed(d) ?? []) if (!had.has(name)) remove(path.join(d, name));
      }
    },
  };
}

/** Whether `e` is a full disk (or quota), from Node (ENOSPC, EDQUOT) or from DuckDB's message. */
export function isDiskFull(e: unknown): boolean {
  const c = code(e);
  if (c === 'ENOSPC' || c === 'EDQUOT') return true;
  const msg = String((e as Error)?.message ?? e);
  return /no space left on device|disk quota exceeded/i.test(msg);
}

/**
 * "FILE: no space left on device" for a disk-full error, naming the file DuckDB reports if it
 * names one (its WAL, say) and `file` otherwise; null for any other error.
 */
export function diskFullMessage(e: unknown, file: string): string | null {
  if (!isDiskFull(e)) return null;
  const named = /(?:file|open) "([^"]+)"/.exec(String((e as Error)?.message ?? ''));
  return `${named ? named[1] : file}: no space left on device`;
}

/** `e` unchanged, or an Error of one line when the disk is full. */
export function withDiskFull(e: unknown, file: string): unknown {
  const m = diskFullMessage(e, file);
  return m === null ? e : Object.assign(new Error(m), { code: 'ENOSPC' });
}
