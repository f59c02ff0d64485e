// Paths to the shared reference data (../shared beside the checkout, in CI too) and scratch space.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = path.resolve(REPO, '../shared');
export const SAMPLES = path.join(SHARED, 'samples');
export const CATALOGUES = path.join(SHARED, 'catalogues');
export const DEBIAN_72 = path.join(CATALOGUES, 'qemu-7.2.22-debian/trace-events-all');

/** A fresh scratch directory, removed by the returned cleanup. */
export function scratch(prefix = 'qtw-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
