import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { windowOptions } from '../../../../src-main/hosts/electron/window-options.ts';
import { REPO } from '../../../helpers/paths.ts';

/** Every key anywhere in the options object, with its path, so nothing hides in a nested object. */
function allEntries(v: unknown, at = ''): [string, unknown][] {
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => [[`${at}${k}`, x] as [string, unknown], ...allEntries(x, `${at}${k}.`)]);
}

describe('windowOptions', () => {
  const preload = path.join(REPO, 'dist/electron/preload.cjs');
  const o = windowOptions({ preload });
  const wp = o.webPreferences!;

  it('isolates and sandboxes the renderer', () => {
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.nodeIntegrationInWorker).toBe(false);
    expect(wp.nodeIntegrationInSubFrames).toBe(false);
    expect(wp.webSecurity).toBe(true);
    expect(wp.allowRunningInsecureContent).toBe(false);
    expect(wp.webviewTag).toBe(false);
    expect(wp.spellcheck).toBe(false);
    expect(wp.experimentalFeatures).toBe(false);
  });

  it('uses the given CommonJS preload, absolute', () => {
    expect(wp.preload).toBe(preload);
    expect(path.isAbsolute(wp.preload!)).toBe(true);
    expect(wp.preload!.endsWith('.cjs')).toBe(true);
  });

  it('enables node integration nowhere and never relaxes web security', () => {
    for (const [key, value] of allEntries(o)) {
      if (/nodeIntegration/i.test(key)) expect(value, key).toBe(false);
      if (/insecure|webviewTag/i.test(key)) expect(value, key).toBe(false);
    }
    expect(allEntries(o).some(([k]) => k.endsWith('webPreferences.preload'))).toBe(true);
  });

  it('does not share state between calls', () => {
    const a = windowOptions({ preload: '/a.cjs' });
    const b = windowOptions({ preload: '/b.cjs' });
    expect(a.webPreferences!.preload).toBe('/a.cjs');
    expect(b.webPreferences!.preload).toBe('/b.cjs');
    expect(a.webPreferences).not.toBe(b.webPreferences);
  });
});
