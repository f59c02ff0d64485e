// Where exportResult and exportReport may write, decided in one place.
//   - A session served to a browser (SERVED_EXPORTS) writes only NEW files in the export folder
//     beside the workspace: anything else a page could name (the workspace, its WAL, a file of
//     the user's, a symlink leading out) is refused. DuckDB and the report writer create their
//     files themselves, so they write into a private folder inside the export folder and the
//     result is hard-linked into place: link() fails when the name exists, as anything.
//   - A desktop session asks its host per path (the path picked in a save dialog, which may
//     replace a file the user chose to replace).
//   - No session ever writes over its own workspace or WAL.
import { constants, copyFileSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDiskFull, makeOutputDir } from '../workspace/output-fs.ts';
import { ServiceError } from './failure.ts';

export const EXPORT_FOLDER = 'qtw-exports';

export function exportFolder(workspacePath: string): string {
  return path.join(path.dirname(path.resolve(workspacePath)), EXPORT_FOLDER);
}

/** The rule of a browser session: new files in the export folder only. */
export const SERVED_EXPORTS = 'new-files-in-export-folder' as const;

/** A host's approval per path (a save dialog's choice), or the browser session's rule. */
export type ExportRule = ((file: string) => boolean) | typeof SERVED_EXPORTS;

export interface ExportTarget {
  /** Where the export ends up. */
  readonly file: string;
  /** Runs `produce` on the path it should write, then puts the output in place. */
  write(produce: (out: string) => Promise<void>): Promise<void>;
}

/** A plain file name: what a served export may be called and what `qtw serve` hands out by /download?name=. */
export function isSafeName(name: string): boolean {
  return /^[\w+-][\w.+-]{0,199}$/.test(name);
}

function errCode(e: unknown): string | undefined {
  const c = (e as { code?: unknown })?.code;
  return typeof c === 'string' ? c : undefined;
}

/** A path with symlinks resolved as far as they exist (the last part may not exist yet). */
function canonical(p: string): string {
  const full = path.resolve(p);
  try {
    return realpathSync(full);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(full)), path.basename(full));
    } catch {
      return full;
    }
  }
}

function resolves(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Refuses the workspace and its WAL, however named (a WAL that does not exist yet included). */
function refuseWorkspace(workspacePath: string, file: string): void {
  const target = canonical(file);
  for (const [own, what] of [
    [workspacePath, 'the workspace'],
    [`${workspacePath}.wal`, "the workspace's WAL"],
  ] as const) {
    if (target === canonical(own) || path.resolve(file) === path.resolve(own) || sameFile(file, own)) {
      throw new ServiceError(`exporting to ${file} is not allowed: it is ${what}`);
    }
  }
  // Where a dangling link leads is not checked above: writing through it could create the WAL.
  let dangling = false;
  try {
    if (lstatSync(file).isSymbolicLink()) dangling = !resolves(file);
  } catch {
    // Absent: nothing to follow.
  }
  if (dangling) throw new ServiceError(`exporting to ${file} is not allowed: it is a symbolic link to nothing`);
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch (e) {
    return errCode(e) !== 'ENOENT';
  }
}

/** The export folder, created if missing (its parent, the workspace's folder, exists). */
function ensureExportFolder(workspacePath: string): string {
  const dir = exportFolder(workspacePath);
  try {
    mkdirSync(dir);
  } catch (e) {
    if (errCode(e) !== 'EEXIST') throw new ServiceError(`${dir}: cannot create the export folder (${errCode(e) ?? (e as Error).message})`, 'internal');
  }
  return dir;
}

function disk(e: unknown, file: string): unknown {
  return isDiskFull(e) ? new ServiceError(`${file}: no space left on device`, 'internal') : e;
}

/** Hard-links (or copies, where the file system has no links) `from` to `to`, never replacing. */
function placeFile(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (e) {
    if (errCode(e) === 'EEXIST') throw new ServiceError(`${to} already exists; an export never replaces a file`);
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK'].includes(errCode(e) ?? '')) throw e;
    try {
      copyFileSync(from, to, constants.COPYFILE_EXCL);
    } catch (e2) {
      if (errCode(e2) === 'EEXIST') throw new ServiceError(`${to} already exists; an export never replaces a file`);
      throw e2;
    }
  }
}

/** Moves what `from` holds into `to` as new entries; on failure removes those it placed. */
function publish(from: string, to: string): void {
  const placed: string[] = [];
  try {
    for (const name of readdirSync(from)) {
      const src = path.join(from, name);
      const dst = path.join(to, name);
      const st = lstatSync(src);
      if (st.isDirectory()) {
        try {
          mkdirSync(dst);
        } catch (e) {
          if (errCode(e) === 'EEXIST') throw new ServiceError(`${dst} already exists; an export never replaces a file`);
          throw e;
        }
        placed.push(dst);
        // A folder this export just made: nothing in it to replace.
        publish(src, dst);
      } else if (st.isFile()) {
        placeFile(src, dst);
        placed.push(dst);
      }
    }
  } catch (e) {
    for (const p of placed.reverse()) rmSync(p, { recursive: true, force: true });
    throw e;
  }
}

/** A new file `name` in the export folder. */
function newInExportFolder(workspacePath: string, folder: string, name: string): ExportTarget {
  const file = path.join(folder, name);
  refuseWorkspace(workspacePath, file);
  if (exists(file)) throw new ServiceError(`${file} already exists; an export never replaces a file`);
  return {
    file,
    write: async (produce) => {
      const staging = mkdtempSync(path.join(folder, '.qtw-partial-'));
      try {
        await produce(path.join(staging, name));
        publish(staging, folder);
      } catch (e) {
        throw disk(e, file);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
    },
  };
}

/** Where a browser session's export of `requested` goes: a plain name, or a path into the folder. */
function servedTarget(workspacePath: string, requested: string): ExportTarget {
  const folder = ensureExportFolder(workspacePath);
  const refuse = () => new ServiceError(`exporting to ${requested} is not allowed in this session: exports go to new files in ${folder} (a name of letters, digits and . _ + -)`);
  const full = path.isAbsolute(requested) ? path.resolve(requested) : null;
  const name = full === null ? requested : path.basename(full);
  if (!isSafeName(name)) throw refuse();
  if (full !== null) {
    let parent: string;
    try {
      parent = realpathSync(path.dirname(full));
    } catch {
      throw refuse();
    }
    if (parent !== realpathSync(folder)) throw refuse();
  }
  return newInExportFolder(workspacePath, folder, name);
}

/**
 * The target of an export to `requested` under the session's rule; throws a one-line
 * ServiceError when refused. A locked-down session without a rule gets the browser's.
 */
export function exportTarget(workspacePath: string, rule: ExportRule | undefined, lockedDown: boolean, requested: string): ExportTarget {
  if (rule === SERVED_EXPORTS || (rule === undefined && lockedDown)) return servedTarget(workspacePath, requested);
  if (!path.isAbsolute(requested)) throw new ServiceError('export path must be absolute');
  if (rule !== undefined && !rule(requested)) throw new ServiceError(`exporting to ${requested} is not allowed in this session`);
  refuseWorkspace(workspacePath, requested);
  return {
    file: requested,
    write: async (produce) => {
      try {
        makeOutputDir(path.dirname(requested));
        await produce(requested);
      } catch (e) {
        throw disk(e, requested);
      }
    },
  };
}

/** A new file in the export folder named by `pick` (given what exists there). */
export function exportFolderTarget(workspacePath: string, pick: (exists: (name: string) => boolean) => string): ExportTarget {
  const folder = ensureExportFolder(workspacePath);
  return newInExportFolder(workspacePath, folder, pick((n) => exists(path.join(folder, n))));
}
