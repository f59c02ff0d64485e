// The built-in release catalogues: the shipped pack equals ../shared/catalogues byte for byte,
// releases are named as users name them, and a catalogue parsed by name on demand gives exactly
// the specs of a whole-file parse.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import path from 'node:path';
import {
  buildCatalogue,
  builtinReleases,
  catalogueVersion,
  findRelease,
  loadCatalogueBySource,
  loadCatalogueFile,
  loadCatalogueSource,
  loadRelease,
  resolveCatalogues,
  CatalogueSourceError,
  RELEASES_PACK,
} from '../../../src-main/catalogue/index.ts';
import { CATALOGUES, DEBIAN_72, scratch } from '../../helpers/paths.ts';

const sharedDirs = readdirSync(CATALOGUES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name.startsWith('qemu-'))
  .map((e) => e.name);

describe('built-in releases', () => {
  it('ship every release of shared/catalogues, byte for byte', () => {
    expect(builtinReleases().map((r) => r.dir).sort()).toEqual([...sharedDirs].sort());
    const unpacked = brotliDecompressSync(readFileSync(RELEASES_PACK));
    let total = 0;
    for (const r of builtinReleases()) {
      const shared = readFileSync(path.join(CATALOGUES, r.dir, 'trace-events-all'));
      expect(Buffer.compare(unpacked.subarray(r.offset, r.offset + r.bytes), shared), r.dir).toBe(0);
      expect(r.sha256).toBe(createHash('sha256').update(shared).digest('hex'));
      expect(loadRelease(r.dir).sha256).toBe(r.sha256);
      total += r.bytes;
    }
    expect(unpacked.length).toBe(total);
  });

  it('are listed newest first, a real build before the source catalogue of its version', () => {
    expect(builtinReleases().map((r) => r.dir)).toEqual([
      'qemu-10.2.50-build',
      'qemu-10.2.50',
      'qemu-10.2.0',
      'qemu-10.1.0',
      'qemu-10.0.0',
      'qemu-9.2.0',
      'qemu-8.2.0',
      'qemu-7.2.22-debian',
      'qemu-7.2.0',
      'qemu-6.2.0',
      'qemu-5.2.0',
    ]);
    expect(builtinReleases().find((r) => r.dir === 'qemu-7.2.22-debian')?.version).toBe('7.2.22');
  });

  it('are named as users name them', () => {
    expect(findRelease('qemu-8.2')?.dir).toBe('qemu-8.2.0');
    expect(findRelease('8.2')?.dir).toBe('qemu-8.2.0');
    expect(findRelease('10.2.50')?.dir).toBe('qemu-10.2.50');
    expect(findRelease('10.2.50-build')?.dir).toBe('qemu-10.2.50-build');
    expect(findRelease('qemu-7.2.22-debian')?.dir).toBe('qemu-7.2.22-debian');
    expect(findRelease('3.1')).toBeNull();
    expect(findRelease('trace-events-all')).toBeNull();
    expect(loadCatalogueSource('qemu-9.2').source).toBe('builtin:qemu-9.2.0');
    expect(() => loadCatalogueSource('qemu-3.1')).toThrow(/qemu-3\.1: no such catalogue file or directory .*the built-in releases are qemu-10\.2\.50-build, .*qemu-5\.2\.0/);
    expect(() => loadCatalogueSource('qemu-3.1')).toThrow(CatalogueSourceError);
  });

  it('are reloaded by their source (as a parse worker does) and cached per process', () => {
    const cat = loadRelease('qemu-6.2.0');
    expect(loadCatalogueBySource(cat.source, cat.name)).toBe(cat);
    expect(cat.id).toMatch(/^qemu-6\.2\.0\/trace-events-all@[0-9a-f]{12}$/);
  });

  it('give their version, also to a file with the same bytes', () => {
    expect(catalogueVersion(loadRelease('qemu-10.1.0'))).toBe('10.1.0');
    expect(catalogueVersion(loadCatalogueFile(DEBIAN_72))).toBe('7.2.22');
    const tmp = scratch();
    try {
      const f = path.join(tmp.dir, 'trace-events');
      writeFileSync(f, 'foo(int x) "x %d"\n');
      expect(catalogueVersion(loadCatalogueFile(f))).toBeNull();
    } finally {
      tmp.cleanup();
    }
  });
});


describe('catalogues parsed by name on demand', () => {
  it('give every event exactly as the whole-file parse does, position and source hint included', () => {
    for (const r of builtinReleases()) {
      const lazy = loadRelease(r.dir);
      const text = readFileSync(path.join(CATALOGUES, r.dir, 'trace-events-all'));
      const whole = buildCatalogue({ name: lazy.name, source: lazy.source, text: text.toString('utf8'), bytes: text, file: `${r.dir}/trace-events-all` });
      expect(lazy.id).toBe(whole.id);
      const first = new Map<string, unknown>();
      for (const e of whole.events) if (!first.has(e.name)) first.set(e.name, e);
      for (const [name, spec] of first) expect(lazy.get(name), `${r.dir} ${name}`).toEqual(spec);
      expect(lazy.get('no_such_event_anywhere')).toBeUndefined();
      // QAPI names are answered by pattern, as by the whole-file catalogue.
      expect(lazy.get('qmp_enter_frobnicate')).toEqual(whole.get('qmp_enter_frobnicate'));
    }
  }, 120_000);

  it('parse the whole file for events, errors and holes', () => {
    const tmp = scratch();
    try {
      const f = path.join(tmp.dir, 'trace-events');
      writeFileSync(f, '# a.c\nfoo(int x) "x %d"\nbad(struct S s) "s"\ntcg two(int a, TCGv b) "a %d", "a %d b 0x%" PRIx64\nbar(int y) "y %d"');
      const lazy = loadCatalogueFile(f);
      expect(lazy.get('bar')?.position).toBe(4);
      expect(lazy.get('two_exec')?.position).toBe(3);
      expect(lazy.get('bad')).toBeUndefined();
      expect(lazy.events.map((e) => e.name)).toEqual(['foo', 'two_trans', 'two_exec', 'bar']);
      expect(lazy.holes.map((h) => h.name)).toEqual(['bad']);
      expect(lazy.errors.map((e) => e.line)).toEqual([3, 5]);
      expect(lazy.get('foo')?.sourceFile).toBe('a.c');
    } finally {
      tmp.cleanup();
    }
  });
});

describe('resolveCatalogues', () => {
  it('lists the given ones, the installed one, every release newest first, then the migration seed, each bytes once', async () => {
    const cats = await resolveCatalogues(['8.2', DEBIAN_72], '/nonexistent/trace-events-all');
    const names = cats.map((c) => c.name);
    expect(names[0]).toBe('qemu-8.2.0/trace-events-all');
    expect(names[1]).toBe('qemu-7.2.22-debian/trace-events-all');
    expect(cats[1].source).toBe(path.resolve(DEBIAN_72));
    // The given 8.2 and the Debian file stand for the releases with their bytes.
    expect(names.slice(2)).toEqual([
      'qemu-10.2.50-build/trace-events-all',
      'qemu-10.2.50/trace-events-all',
      'qemu-10.2.0/trace-events-all',
      'qemu-10.1.0/trace-events-all',
      'qemu-10.0.0/trace-events-all',
      'qemu-9.2.0/trace-events-all',
      'qemu-7.2.0/trace-events-all',
      'qemu-6.2.0/trace-events-all',
      'qemu-5.2.0/trace-events-all',
      'embedded:migration',
    ]);
    const installed = await resolveCatalogues([], DEBIAN_72);
    expect(installed[0].source).toBe(`installed:${DEBIAN_72}`);
    expect(installed.length).toBe(12);
    expect(installed.some((c) => c.name === 'qemu-7.2.22-debian/trace-events-all')).toBe(false);
  });
});
