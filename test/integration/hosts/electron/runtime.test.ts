import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { electronLaunchArgs, findElectronRuntime } from '../../../../src-main/hosts/electron/runtime.ts';
import { SAMPLES } from '../../../helpers/paths.ts';

describe('findElectronRuntime', () => {
  it('reports the missing binary in this environment, naming Electron', () => {
    const r = findElectronRuntime();
    expect('missing' in r).toBe(true);
    if ('missing' in r) expect(r.missing).toMatch(/Electron/);
  });

  it('returns the path when the package resolves to an existing binary', () => {
    const existing = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/manifest.json');
    expect(findElectronRuntime(() => existing)).toEqual({ path: existing });
    expect(findElectronRuntime(() => '/nonexistent/electron')).toMatchObject({ missing: expect.stringContaining('/nonexistent/electron') });
    expect(findElectronRuntime(() => ({ app: {} }))).toMatchObject({ missing: expect.stringMatching(/Electron/) });
  });

  it('builds launch args with absolute inputs after --', () => {
    const args = electronLaunchArgs(['rel/a.log', '/abs/b.duckdb'], '/app/main.js');
    expect(args).toEqual(['/app/main.js', '--', path.resolve('rel/a.log'), '/abs/b.duckdb']);
  });
});
