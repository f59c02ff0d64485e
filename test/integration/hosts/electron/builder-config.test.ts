// electron-builder.yml checked by electron-builder's own schema validator (no packaging runs),
// and its globs checked against the native files actually installed.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { minimatch } from 'minimatch';
import { REPO } from '../../../helpers/paths.ts';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: { add(): void; isEnabled: boolean }): Promise<void>;
};

interface BuilderConfig {
  productName: string;
  extraMetadata: { main: string };
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string }[];
  fileAssociations: { ext: string | string[]; name: string }[];
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
}

const config = yaml.load(readFileSync(path.join(REPO, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, { add() {}, isEnabled: false })).resolves.toBeUndefined();
  });

  it('names the product, targets and the built main entry', () => {
    expect(config.productName).toBe('QEMU Trace Workbench');
    expect(config.extraMetadata.main).toBe('dist/electron/main.js');
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
  });

  it('unpacks every installed DuckDB and lzma-native native binary', () => {
    const natives = [...walk(path.join(REPO, 'node_modules/@duckdb')), ...walk(path.join(REPO, 'node_modules/lzma-native/prebuilds'))]
      .filter((f) => f.endsWith('.node'))
      .map((f) => path.relative(REPO, f).split(path.sep).join('/'));
    expect(natives.length).toBeGreaterThan(0);
    for (const f of natives) {
      expect(config.asarUnpack.some((g) => minimatch(f, g, { dot: true })), f).toBe(true);
    }
  });

  it('associates trace files and .duckdb workspaces', () => {
    const exts = config.fileAssociations.flatMap((a) => (Array.isArray(a.ext) ? a.ext : [a.ext]));
    for (const e of ['log', 'gz', 'zst', 'xz', 'tar', 'tgz', 'duckdb']) expect(exts).toContain(e);
    expect(config.fileAssociations.some((a) => /QEMU trace/.test(a.name))).toBe(true);
  });

  it('ships resources/ where the engine looks for it and as extraResources', () => {
    expect(config.files).toContain('resources/**');
    expect(config.extraResources).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'resources', to: 'resources' })]));
    expect(statSync(path.join(REPO, 'resources/catalogues/migration.trace-events')).isFile()).toBe(true);
    expect(statSync(path.join(REPO, 'build/icon.png')).size).toBeGreaterThan(0);
  });
});
