// Is an Electron runtime installed? `npm start` asks before launching the desktop shell and falls
// back to `qtw serve` in a browser when not. No `electron` import here: in plain Node the
// package's main module resolves to the binary's path, and throws when the binary was never
// downloaded (offline installs, ELECTRON_SKIP_BINARY_DOWNLOAD, unsupported platforms).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.ts';

export type ElectronRuntime = { readonly path: string } | { readonly missing: string };

/** `load` is injectable so tests can stand in for an installed package. */
export function findElectronRuntime(load: (id: string) => unknown = createRequire(import.meta.url)): ElectronRuntime {
  let resolved: unknown;
  try {
    resolved = load('electron');
  } catch (e) {
    const why = String((e as Error)?.message ?? e).split('\n')[0];
    // The package is there without its binary: npm install skipped the download (.npmrc).
    if (/failed to install correctly/i.test(why)) return { missing: 'the Electron runtime is not installed (npm install does not download it)' };
    return { missing: `the Electron runtime is not installed (${why})` };
  }
  if (typeof resolved !== 'string') return { missing: 'the electron package did not resolve to an Electron binary path (running inside Electron already?)' };
  if (!existsSync(resolved)) return { missing: `the Electron binary ${resolved} does not exist` };
  return { path: resolved };
}

/** The built main-process entry the runtime should start (see electron.vite.config.ts). */
export const ELECTRON_MAIN_ENTRY = path.join(PACKAGE_ROOT, 'dist/electron/main.js');

/** argv for spawning the desktop shell on `inputs` (trace files or a .duckdb workspace). */
export function electronLaunchArgs(inputs: readonly string[], mainEntry = ELECTRON_MAIN_ENTRY): string[] {
  // `--` keeps Chromium from reading a trace named like a switch as one of its own.
  return [mainEntry, '--', ...inputs.map((p) => path.resolve(p))];
}
