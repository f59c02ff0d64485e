// The package root is found from any module depth: the sources (src-main/<area>/), a bundle
// (dist/cli/), a build directory a test makes, an installed package; and never a foreign package.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findPackageRoot, PACKAGE_ROOT, packagePath } from '../../src-main/package-root.ts';
import { REPO, scratch } from '../helpers/paths.ts';

const tmp = scratch();
afterAll(() => tmp.cleanup());

describe('package root', () => {
  it('is the checkout, from the sources and from a deeper or shallower folder', () => {
    expect(PACKAGE_ROOT).toBe(REPO);
    expect(findPackageRoot(path.join(REPO, 'src-main/hosts/cli'))).toBe(REPO);
    expect(findPackageRoot(path.join(REPO, 'test-artifacts/x/y/cli'))).toBe(REPO);
    expect(packagePath('resources', 'catalogues')).toBe(path.join(REPO, 'resources/catalogues'));
  });

  it('skips a package.json of another package, and is null outside any of ours', () => {
    const installed = path.join(tmp.dir, 'lib/node_modules/qemu-trace-workbench');
    mkdirSync(path.join(installed, 'dist/cli'), { recursive: true });
    writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ name: 'qemu-trace-workbench' }));
    mkdirSync(path.join(installed, 'node_modules/other/lib'), { recursive: true });
    writeFileSync(path.join(installed, 'node_modules/other/package.json'), JSON.stringify({ name: 'other' }));
    expect(findPackageRoot(path.join(installed, 'dist/cli'))).toBe(installed);
    expect(findPackageRoot(path.join(installed, 'node_modules/other/lib'))).toBe(installed);
    expect(findPackageRoot(path.join(tmp.dir, 'lib'))).toBeNull();
  });
});
