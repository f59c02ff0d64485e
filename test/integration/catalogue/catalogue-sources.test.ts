// Where catalogues come from: the embedded default, the installed file, explicit files and
// source trees. A source tree is rebuilt from the chunk list of catalogues.json, so the tree
// loader must reproduce the published trace-events-all byte for byte.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CatalogueSourceError,
  INSTALLED_CATALOGUE,
  loadCatalogueFile,
  loadCatalogueFromTree,
  loadCatalogueSource,
  loadEmbeddedCatalogue,
  loadInstalledCatalogue,
  makefileTraceSubdirs,
  mesonTraceSubdirs,
  resolveCatalogues,
} from '../../../src-main/catalogue/index.ts';
import { CATALOGUES, DEBIAN_72, REPO, SHARED, scratch } from '../../helpers/paths.ts';

const SEED = path.join(SHARED, 'seed/migration.trace-events');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

interface Chunk {
  readonly path: string;
  readonly byte_offset: number;
  readonly bytes: number;
  readonly event_lines: number;
}
interface Version {
  readonly dir: string;
  readonly sha256: string;
  readonly chunks?: readonly Chunk[];
}
const manifest = JSON.parse(readFileSync(path.join(CATALOGUES, 'catalogues.json'), 'utf8')) as { versions: Version[] };

describe('embedded default catalogue', () => {
  it('is the seed migration catalogue, byte for byte, shipped in resources/', async () => {
    const shipped = readFileSync(path.join(REPO, 'resources/catalogues/migration.trace-events'));
    expect(shipped.equals(readFileSync(SEED))).toBe(true);
    const cat = await loadEmbeddedCatalogue();
    expect(cat.sha256).toBe(sha256(shipped));
    expect(cat.id).toBe(`${cat.name}@${cat.sha256.slice(0, 12)}`);
    expect(cat.source).toBe('embedded');
    expect(cat.errors).toEqual([]);
    const eventLines = shipped
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;
    expect(cat.events.length).toBe(eventLines);
    expect(cat.get('migrate_set_state')?.sourceFile).toBe('migration.c');
    expect(await loadEmbeddedCatalogue()).toBe(cat);
  });
});

describe('installed catalogue', () => {
  it('is null when the file is absent and a catalogue when present', async () => {
    expect(await loadInstalledCatalogue('/nonexistent/qemu/trace-events-all')).toBeNull();
    const cat = await loadInstalledCatalogue(DEBIAN_72);
    expect(cat).not.toBeNull();
    expect(cat?.source).toBe(`installed:${DEBIAN_72}`);
    expect(cat?.events.length).toBe(5078);
    expect((await loadInstalledCatalogue()) === null).toBe(!existsSync(INSTALLED_CATALOGUE));
  });
});

describe('resolveCatalogues', () => {
  it('lists the given files and trees first, then the other candidates (each catalogue\'s bytes once)', async () => {
    const cats = await resolveCatalogues([DEBIAN_72, SEED]);
    expect(cats.slice(0, 2).map((c) => c.source)).toEqual([path.resolve(DEBIAN_72), path.resolve(SEED)]);
    // The given files have the bytes of the Debian release and of the embedded seed: not listed again.
    expect(cats.map((c) => c.source)).not.toContain('builtin:qemu-7.2.22-debian');
    expect(cats.map((c) => c.source)).not.toContain('embedded');
  });

  it('without any given: the installed catalogue (if any), every built-in release, then the embedded one', async () => {
    const cats = await resolveCatalogues(undefined);
    const embedded = await loadEmbeddedCatalogue();
    expect(cats[cats.length - 1]).toBe(embedded);
    expect(cats.filter((c) => c.source.startsWith('builtin:')).length).toBeGreaterThanOrEqual(10);
    expect(cats[0].source.startsWith('installed:')).toBe(existsSync(INSTALLED_CATALOGUE));
    expect((await resolveCatalogues([])).length).toBe(cats.length);
  });

  it('a build or install directory gives its trace-events-all', () => {
    const file = loadCatalogueFile(path.join(CATALOGUES, 'qemu-7.2.0/trace-events-all'));
    expect(loadCatalogueSource(path.join(CATALOGUES, 'qemu-7.2.0')).id).toBe(file.id);
    expect(file.events.length).toBeGreaterThan(4000);
    const { dir, cleanup } = scratch('qtw-cat-build-');
    try {
      mkdirSync(path.join(dir, 'trace'));
      writeFileSync(path.join(dir, 'trace/trace-events-all'), readFileSync(path.join(CATALOGUES, 'qemu-7.2.0/trace-events-all')));
      expect(loadCatalogueSource(dir).sha256).toBe(file.sha256);
      rmSync(path.join(dir, 'trace'), { recursive: true });
      mkdirSync(path.join(dir, 'empty'));
      expect(() => loadCatalogueSource(dir)).toThrow(/^\S+: no trace-events files \(a QEMU source tree\) and no trace-events-all or trace\/trace-events-all or share\/qemu\/trace-events-all \(a build or install directory\) here$/);
    } finally {
      cleanup();
    }
  });

  it('a missing path is a one-line CatalogueSourceError naming it', async () => {
    const missing = path.join(SHARED, 'no-such-catalogue');
    await expect(resolveCatalogues([missing])).rejects.toThrow(CatalogueSourceError);
    try {
      loadCatalogueSource(missing);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message.startsWith(missing)).toBe(true);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});

describe('meson.build trace_events_subdirs', () => {
  it('reads every list in file order, with comments, conditionals and single entries', () => {
    const meson = [
      "trace_events_subdirs = [",
      "  'crypto',",
      "  'qapi',  # a comment with 'quotes'",
      "]",
      "if have_linux_user",
      "  trace_events_subdirs += [ 'linux-user' ]",
      "endif",
      "trace_events_subdirs += 'hw/net'",
    ].join('\n');
    expect(mesonTraceSubdirs(meson)).toEqual(['crypto', 'qapi', 'linux-user', 'hw/net']);
    expect(mesonTraceSubdirs("project('x')\n")).toBeNull();
  });
});

describe('source tree rebuilt from catalogues.json', () => {
  const v = manifest.versions.find((x) => x.dir === 'qemu-7.2.0') as Version;
  const all = readFileSync(path.join(CATALOGUES, v.dir, 'trace-events-all'));
  const { dir, cleanup } = scratch('qtw-cat-tree72-');
  afterAll(cleanup);
  const chunks = v.chunks as readonly Chunk[];
  /** The published chunks written out as the source tree's files, under `root`. */
  const writeChunks = (root: string) => {
    for (const c of chunks) {
      const f = path.join(root, c.path);
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, all.subarray(c.byte_offset, c.byte_offset + c.bytes));
    }
  };
  writeChunks(dir);
  const subdirs = chunks.map((c) => path.dirname(c.path)).filter((d) => d !== '.');
  // Files a Linux build leaves out: bsd-user (listed, conditional) and an unlisted test fixture.
  mkdirSync(path.join(dir, 'bsd-user'), { recursive: true });
  writeFileSync(path.join(dir, 'bsd-user/trace-events'), 'user_setup_frame(void *env, uint64_t frame_addr) "env %p frame_addr 0x%"PRIx64\n');
  mkdirSync(path.join(dir, 'tests/tracetool'), { recursive: true });
  writeFileSync(path.join(dir, 'tests/tracetool/trace-events'), 'test_blah(void *context, const char *filename) "Blah context=%p filename=%s"\n');
  const meson = `trace_events_subdirs = [\n${subdirs.slice(0, 5).map((d) => `  '${d}',\n`).join('')}]\n` +
    `if have_bsd_user\n  trace_events_subdirs += [ 'bsd-user' ]\nendif\n` +
    `trace_events_subdirs += [\n${subdirs.slice(5).map((d) => `  '${d}',\n`).join('')}]\n`;
  writeFileSync(path.join(dir, 'meson.build'), meson);

  it('has the events, positions, lines and sha256 of the published trace-events-all', () => {
    const tree = loadCatalogueFromTree(dir);
    const file = loadCatalogueFile(path.join(CATALOGUES, v.dir, 'trace-events-all'));
    expect(tree.sha256).toBe(v.sha256);
    expect(tree.errors).toEqual([]);
    expect(tree.events.length).toBe(file.events.length);
    expect(tree.events.length).toBe(chunks.reduce((n, c) => n + c.event_lines, 0));
    tree.events.forEach((e, i) => {
      const f = file.events[i];
      expect([e.name, e.position, e.line, e.format]).toEqual([f.name, f.position, f.line, f.format]);
    });
    expect(tree.get('user_setup_frame')).toBeDefined();
    expect(tree.get('test_blah')).toBeUndefined();
  });

  it('prefixes source hints with their directory and never carries one into the next file', () => {
    const tree = loadCatalogueFromTree(dir);
    expect(tree.get('savevm_section_start')?.sourceFile).toBe('migration/savevm.c');
    let unhinted = 0;
    for (const c of chunks) {
      const d = path.dirname(c.path);
      let hint: string | null = null;
      for (const line of all.subarray(c.byte_offset, c.byte_offset + c.bytes).toString('utf8').split('\n')) {
        const t = line.trim();
        const m = /^#\s*(\S+\.(?:c|h|m|rs|inc))(?:\s|$)/.exec(t);
        if (m !== null) hint = m[1];
        if (t === '' || t.startsWith('#')) continue;
        const name = /(\w+)\(/.exec(t)?.[1] as string;
        const e = tree.get(name);
        if (hint === null) {
          unhinted++;
          expect(e?.sourceFile, name).toBeNull();
        } else if (!hint.startsWith('..')) {
          expect(e?.sourceFile?.startsWith(d === '.' ? hint : `${d}/${hint}`), name).toBe(true);
        }
      }
    }
    expect(unhinted).toBeGreaterThan(0);
  });

  it('a tree from before meson (QEMU ≤ 5.1) takes the order of trace-events-subdirs in Makefile.objs', () => {
    const copy = path.join(dir, '..', `${path.basename(dir)}-make`);
    rmSync(copy, { recursive: true, force: true });
    writeChunks(copy);
    // As QEMU 4.2's Makefile.objs wrote it: a reset, one += per line, conditional blocks.
    const make = [
      'common-obj-y += migration/',
      '######################################################################',
      'trace-events-subdirs =',
      ...subdirs.slice(0, 3).map((d) => `trace-events-subdirs += ${d}`),
      'ifeq ($(CONFIG_USER_ONLY),y)',
      `trace-events-subdirs += ${subdirs[3]} \\`,
      `  ${subdirs[4]}`,
      'endif',
      ...subdirs.slice(5).map((d) => `trace-events-subdirs += ${d} # listed`),
      '',
    ].join('\n');
    writeFileSync(path.join(copy, 'Makefile.objs'), make);
    try {
      const tree = loadCatalogueFromTree(copy);
      expect(tree.sha256).toBe(v.sha256);
      const file = loadCatalogueFile(path.join(CATALOGUES, v.dir, 'trace-events-all'));
      expect(tree.events.map((e) => [e.name, e.position])).toEqual(file.events.map((e) => [e.name, e.position]));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    expect(makefileTraceSubdirs('trace-events-subdirs = a b\ntrace-events-subdirs = c\ntrace-events-subdirs += d\n')).toEqual(['c', 'd']);
    expect(makefileTraceSubdirs('obj-y += x/\n')).toBeNull();
  });

  it('without meson.build takes every subdirectory in sorted path order', () => {
    const copy = path.join(dir, '..', `${path.basename(dir)}-nomeson`);
    rmSync(copy, { recursive: true, force: true });
    writeChunks(copy);
    try {
      const tree = loadCatalogueFromTree(copy);
      const order = ['trace-events', ...chunks.map((c) => c.path).filter((p) => p !== 'trace-events').sort()];
      const expected = Buffer.concat(order.map((p) => readFileSync(path.join(copy, p))));
      expect(tree.sha256).toBe(sha256(expected));
      expect(tree.events.length).toBe(chunks.reduce((n, c) => n + c.event_lines, 0));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
