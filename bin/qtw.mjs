#!/usr/bin/env node
// `qtw`: runs the built CLI (dist/cli/main.js, `npm run build:cli`) when there is one, else the
// TypeScript sources through tsx's loader in this process, so that a checkout needs no build step.
// Either way the CLI runs in this process, so signals (Ctrl+C, SIGTERM) reach it, not a wrapper.
// In a checkout, a build older than any source file is ignored: running stale code would be
// worse than starting slowly. QTW_FROM_SOURCE=1 forces the sources (tests, the bench).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist/cli/main.js');
const sources = path.join(root, 'src-main');

/** True when some file under dir changed after `than` (ms). */
function newerThan(dir, than) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() ? newerThan(p, than) : statSync(p).mtimeMs > than) return true;
  }
  return false;
}

function useBuilt() {
  if (process.env.QTW_FROM_SOURCE === '1' || !existsSync(built)) return false;
  return !existsSync(sources) || !newerThan(sources, statSync(built).mtimeMs);
}

let entry = built;
if (!useBuilt()) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = path.join(sources, 'hosts/cli/main.ts');
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
