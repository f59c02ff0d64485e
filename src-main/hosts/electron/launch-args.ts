// What the user asked to open: the command line of this or a second instance, or a file the OS
// handed over (open-file, file associations). A `.duckdb` file is a workspace; anything else is
// a trace (or archive, or folder) to ingest into the current workspace.
import path from 'node:path';

export interface LaunchRequest {
  /** The last `.duckdb` named, if any. */
  readonly workspace: string | null;
  readonly inputs: readonly string[];
}

export function isWorkspacePath(p: string): boolean {
  return p.toLowerCase().endsWith('.duckdb');
}

/** Sort opened paths into a workspace and inputs, resolving relative paths against `cwd`. */
export function classifyPaths(paths: readonly string[], cwd: string): LaunchRequest {
  let workspace: string | null = null;
  const inputs: string[] = [];
  for (const p of paths) {
    if (p.length === 0 || p.includes('\0')) continue;
    const abs = path.resolve(cwd, p);
    if (isWorkspacePath(abs)) workspace = abs;
    else if (!inputs.includes(abs)) inputs.push(abs);
  }
  return { workspace, inputs };
}

/**
 * argv of the Electron process (or of a second instance). The executable comes first, then in
 * development (`electron main.js ...`) the app's entry. Switches are skipped: Chromium and the
 * OS add their own (macOS `-psn_...`, `--allow-file-access-from-files` on second instances);
 * after `--` every argument is a path, even one that starts with a dash.
 */
export function parseLaunchArgs(argv: readonly string[], opts: { cwd: string; defaultApp: boolean }): LaunchRequest {
  const rest = argv.slice(opts.defaultApp ? 2 : 1);
  const paths: string[] = [];
  let literal = false;
  for (const a of rest) {
    if (!literal && a === '--') literal = true;
    else if (literal || !a.startsWith('-')) paths.push(a);
  }
  return classifyPaths(paths, opts.cwd);
}
