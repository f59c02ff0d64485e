#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader so that a checkout needs no build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const loader = import.meta.resolve('tsx');
const r = spawnSync(process.execPath, ['--import', loader, path.join(root, 'src-main/hosts/cli/main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
