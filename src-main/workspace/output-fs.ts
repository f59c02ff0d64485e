// Output folders and write failures said plainly. Node's recursive mkdir never returns under
// /proc or /sys (a missing entry there answers ENOENT even when its parent exists, and Node
// retries forever), so folders are made one level at a time; and a full disk is named as such,
// with the file that could not be written, instead of DuckDB's or libuv's wording.
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
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
  return full;
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
