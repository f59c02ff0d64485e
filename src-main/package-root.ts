// Where the package's own files (resources/, package.json, dist/) are, from any module: the
// engine runs from src-main/<area>/*.ts in a checkout and from one bundled folder (dist/cli, an
// installed package, a test's build dir), so a fixed '../..' from import.meta.url is right for
// only one of them. Walking up to our package.json is right for all.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'qemu-trace-workbench';

function isOurPackage(dir: string): boolean {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The nearest folder at or above `from` holding this package's package.json. */
export function findPackageRoot(from: string): string | null {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (isOurPackage(dir)) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The package root; without a package.json above (an unusual bundle), two levels up, where the
 * bundles looked before. */
export const PACKAGE_ROOT = findPackageRoot(HERE) ?? path.resolve(HERE, '../..');

/** A path inside the package, e.g. packagePath('resources', 'fonts'). */
export function packagePath(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}
