// Where catalogues come from: a trace-events(-all) file, a QEMU source tree (its trace-events
// files concatenated the way the build does), the installed QEMU's trace-events-all, and the
// migration catalogue embedded in resources/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';
import { buildCatalogue, lazyCatalogue } from './catalogue.ts';
import type { CataloguePart } from './catalogue.ts';
import type { Catalogue } from './types.ts';

export const INSTALLED_CATALOGUE = '/usr/share/qemu/trace-events-all';
const RESOURCES = path.join(PACKAGE_ROOT, 'resources');
export const EMBEDDED_CATALOGUE = path.join(RESOURCES, 'catalogues/migration.trace-events');
/** Every QEMU release's trace-events-all, one brotli stream (tools/pack-catalogues.ts writes it). */
export const RELEASES_INDEX = path.join(RESOURCES, 'catalogues/releases.json');
export const RELEASES_PACK = path.join(RESOURCES, 'catalogues/releases.br');

/** A catalogue that cannot be read at all (its message is one line naming the path). */
export class CatalogueSourceError extends Error {
  override readonly name = 'CatalogueSourceError';
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ?? err.message ?? String(e);
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new CatalogueSourceError(`${file}: cannot read catalogue (${reason(e)})`);
  }
}

async function readBytesAsync(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new CatalogueSourceError(`${file}: cannot read catalogue (${reason(e)})`);
  }
}

/** A short human name: the parent folder and the file name. */
function displayName(file: string): string {
  const abs = path.resolve(file);
  return `${path.basename(path.dirname(abs))}/${path.basename(abs)}`;
}

/** A trace-events or trace-events-all file. */
export function loadCatalogueFile(file: string, name = displayName(file)): Catalogue {
  const bytes = readBytes(file);
  return lazyCatalogue({ name, source: path.resolve(file), text: bytes.toString('utf8'), bytes, file });
}

/** A built-in release: `dir` is its folder name in shared/catalogues (`qemu-7.2.22-debian`). */
export interface Release {
  readonly dir: string;
  /** X.Y.Z of the QEMU that the catalogue is of (`7.2.22` for the Debian build). */
  readonly version: string;
  readonly offset: number;
  readonly bytes: number;
  readonly sha256: string;
}

let releaseList: Release[] | null = null;

function versionKey(v: string): number[] {
  return v.split('.').map(Number);
}

/** Newest first; of one version, a real build (`-build`, `-debian`) before the source catalogue. */
export function builtinReleases(): readonly Release[] {
  if (releaseList === null) {
    const index = JSON.parse(readBytes(RELEASES_INDEX).toString('utf8')) as { releases: Release[] };
    releaseList = [...index.releases].sort((a, b) => {
      const [x, y] = [versionKey(a.version), versionKey(b.version)];
      for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return y[i] - x[i];
      return b.dir.length - a.dir.length || (a.dir < b.dir ? -1 : 1);
    });
  }
  return releaseList;
}

let releasePack: Buffer | null = null;
const releaseCache = new Map<string, Catalogue>();

/** A built-in release's catalogue (unpacked and indexed once per process; events parsed by name on demand). */
export function loadRelease(dir: string): Catalogue {
  const cached = releaseCache.get(dir);
  if (cached !== undefined) return cached;
  const r = builtinReleases().find((x) => x.dir === dir);
  if (r === undefined) throw new CatalogueSourceError(`${dir}: no such built-in release (there are ${builtinReleases().map((x) => x.dir).join(', ')})`);
  if (releasePack === null) {
    try {
      releasePack = brotliDecompressSync(readBytes(RELEASES_PACK));
    } catch (e) {
      if (e instanceof CatalogueSourceError) throw e;
      throw new CatalogueSourceError(`${RELEASES_PACK}: cannot unpack the built-in catalogues (${reason(e)})`);
    }
  }
  const bytes = releasePack.subarray(r.offset, r.offset + r.bytes);
  const cat = lazyCatalogue({ name: `${dir}/trace-events-all`, source: `builtin:${dir}`, text: bytes.toString('utf8'), bytes, file: `${dir}/trace-events-all` });
  releaseCache.set(dir, cat);
  return cat;
}

/**
 * The built-in release a `--catalogue` argument names, or null: `qemu-8.2`, `8.2`, `8.2.0`,
 * `qemu-7.2.22-debian`, `10.2.50-build`. A bare X.Y means X.Y.0, the release itself.
 */
export function findRelease(spec: string): Release | null {
  const m = /^(?:qemu-)?(\d+\.\d+)(\.\d+)?(-[\w.-]+)?$/.exec(spec.trim());
  if (m === null) return null;
  const dir = `qemu-${m[1]}${m[2] ?? '.0'}${m[3] ?? ''}`;
  return builtinReleases().find((r) => r.dir === dir) ?? null;
}

/** The QEMU version of a catalogue: its release's, or that of the built-in release with the same bytes. */
export function catalogueVersion(cat: Catalogue): string | null {
  return builtinReleases().find((r) => r.sha256 === cat.sha256)?.version ?? null;
}

/**
 * The entries of `trace_events_subdirs` in a top-level meson.build, in file order (`=` and
 * every `+=`, conditional blocks included), or null when there is no such list.
 */
export function mesonTraceSubdirs(mesonText: string): string[] | null {
  const text = mesonText.replace(/#[^\n]*/g, '');
  const out: string[] = [];
  let found = false;
  const re = /\btrace_events_subdirs\s*\+?=\s*(\[[^\]]*\]|'[^']*')/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    found = true;
    for (const s of m[1].matchAll(/'([^']*)'/g)) out.push(s[1]);
  }
  return found ? out : null;
}

/**
 * The entries of `trace-events-subdirs` in a top-level Makefile.objs (QEMU 2.x to 5.1, before
 * meson), in file order (`=` starts the list again, every `+=` appends, conditional blocks
 * included), or null when there is no such list.
 */
export function makefileTraceSubdirs(makeText: string): string[] | null {
  const text = makeText.replace(/\\\r?\n/g, ' ');
  let out: string[] | null = null;
  for (const line of text.split('\n')) {
    const m = /^\s*trace-events-subdirs\s*(\+=|:=|=)(.*)$/.exec(line.replace(/#.*$/, ''));
    if (m === null) continue;
    const words = m[2].trim().split(/\s+/).filter((w) => w !== '');
    out = m[1] === '+=' ? [...(out ?? []), ...words] : words;
  }
  return out;
}

// bsd-user is never built on Linux, and its events repeat linux-user's names.
const NEVER_ON_LINUX = new Set(['bsd-user']);

/** Every subdirectory trace-events file, in sorted path order (for trees without meson.build). */
function findTraceEventDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || (rel === '' && (e.name === 'build' || e.name === 'tests'))) continue;
      const sub = rel === '' ? e.name : `${rel}/${e.name}`;
      if (existsSync(path.join(dir, e.name, 'trace-events'))) out.push(sub);
      walk(path.join(dir, e.name), sub);
    }
  };
  walk(root, '');
  // Sorted by the files' paths, as `find | sort` would list them (`hw/i2c-x/…` before `hw/i2c/…`).
  return out.sort((a, b) => {
    const fa = `${a}/trace-events`;
    const fb = `${b}/trace-events`;
    return fa < fb ? -1 : fa > fb ? 1 : 0;
  });
}

/**
 * A QEMU source tree: ./trace-events, then the file of each `trace_events_subdirs` entry of the
 * top-level meson.build in order (of `trace-events-subdirs` in Makefile.objs for trees before
 * meson; every directory in sorted path order without either), byte for byte, as the build
 * concatenates them into trace-events-all (without the QAPI chunks, which only a build
 * generates; their events are answered by name).
 */
export function loadCatalogueFromTree(root: string): Catalogue {
  const meson = path.join(root, 'meson.build');
  const makefile = path.join(root, 'Makefile.objs');
  const listed = existsSync(meson)
    ? mesonTraceSubdirs(readBytes(meson).toString('utf8'))
    : existsSync(makefile)
      ? makefileTraceSubdirs(readBytes(makefile).toString('utf8'))
      : null;
  const dirs = (listed ?? findTraceEventDirs(root)).filter((d) => !NEVER_ON_LINUX.has(d));
  const parts: CataloguePart[] = [];
  const chunks: Buffer[] = [];
  const add = (file: string, dir: string) => {
    const b = readBytes(file);
    chunks.push(b);
    parts.push({ file, text: b.toString('utf8'), dir });
  };
  const top = path.join(root, 'trace-events');
  if (existsSync(top)) add(top, '');
  for (const d of dirs) {
    const f = path.join(root, d, 'trace-events');
    if (existsSync(f)) add(f, d);
  }
  if (parts.length === 0) throw new CatalogueSourceError(`${root}: no trace-events files in this directory`);
  const abs = path.resolve(root);
  const text = parts.map((p) => p.text).join('');
  return buildCatalogue({ name: `tree:${path.basename(abs)}`, source: abs, text, bytes: Buffer.concat(chunks), file: root, parts });
}

/**
 * Where a build or install directory keeps its trace-events-all: a QEMU build directory under
 * trace/, an install prefix under share/qemu/, a plain folder of catalogues at its top.
 */
const BUILT_CATALOGUES = ['trace-events-all', 'trace/trace-events-all', 'share/qemu/trace-events-all'];

/**
 * A file, a source tree, or a build or install directory, whichever the path is. A directory
 * with trace-events files of its own (or a meson.build) is a source tree; else its
 * trace-events-all is used.
 */
export function loadCatalogueSource(p: string): Catalogue {
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    const release = findRelease(p);
    if (release !== null) return loadRelease(release.dir);
    const named = /^(?:qemu-)?\d+\.\d+/.test(p) ? `; the built-in releases are ${builtinReleases().map((r) => r.dir).join(', ')}` : '';
    throw new CatalogueSourceError(`${p}: no such catalogue file or directory (${reason(e)})${named}`);
  }
  if (!st.isDirectory()) return loadCatalogueFile(p);
  if (existsSync(path.join(p, 'trace-events')) || existsSync(path.join(p, 'meson.build'))) return loadCatalogueFromTree(p);
  const built = BUILT_CATALOGUES.map((f) => path.join(p, f)).find((f) => existsSync(f));
  if (built !== undefined) return loadCatalogueFile(built);
  try {
    return loadCatalogueFromTree(p);
  } catch (e) {
    if (!(e instanceof CatalogueSourceError)) throw e;
    throw new CatalogueSourceError(`${p}: no trace-events files (a QEMU source tree) and no ${BUILT_CATALOGUES.join(' or ')} (a build or install directory) here`);
  }
}

/** The installed QEMU's trace-events-all, or null when there is none. */
export async function loadInstalledCatalogue(file = INSTALLED_CATALOGUE): Promise<Catalogue | null> {
  if (!existsSync(file)) return null;
  const bytes = await readBytesAsync(file);
  return lazyCatalogue({ name: 'installed:trace-events-all', source: `installed:${file}`, text: bytes.toString('utf8'), bytes, file });
}

let embedded: Promise<Catalogue> | null = null;

/** The QEMU migration catalogue shipped in resources/ (parsed once per process). */
export function loadEmbeddedCatalogue(): Promise<Catalogue> {
  if (embedded === null) {
    embedded = readBytesAsync(EMBEDDED_CATALOGUE).then((bytes) =>
      buildCatalogue({ name: 'embedded:migration', source: 'embedded', text: bytes.toString('utf8'), bytes, file: EMBEDDED_CATALOGUE }),
    );
    embedded.catch(() => {
      embedded = null;
    });
  }
  return embedded;
}

/**
 * Rebuild a catalogue from the `source` it recorded (a parse worker does this instead of
 * receiving the parsed catalogue): a file, a source tree, `installed:FILE` or `embedded`.
 */
export function loadCatalogueBySource(source: string, name: string): Catalogue {
  if (source.startsWith('builtin:')) return loadRelease(source.slice('builtin:'.length));
  if (source === 'embedded') {
    const bytes = readBytes(EMBEDDED_CATALOGUE);
    return buildCatalogue({ name, source, text: bytes.toString('utf8'), bytes, file: EMBEDDED_CATALOGUE });
  }
  if (source.startsWith('installed:')) {
    const file = source.slice('installed:'.length);
    const bytes = readBytes(file);
    return lazyCatalogue({ name, source, text: bytes.toString('utf8'), bytes, file });
  }
  return statSync(source).isDirectory() ? loadCatalogueFromTree(source) : loadCatalogueFile(source, name);
}

/**
 * The candidates for a trace, in order of preference when they type it equally well: the given
 * ones (paths or release names), the installed QEMU's (if any), every built-in release newest
 * first, and the migration seed. A catalogue whose bytes are already listed is listed once.
 */
export async function resolveCatalogues(paths?: readonly string[], installedFile = INSTALLED_CATALOGUE): Promise<Catalogue[]> {
  const given = (paths ?? []).map(loadCatalogueSource);
  const installed = await loadInstalledCatalogue(installedFile);
  const all = [...given, ...(installed !== null ? [installed] : []), ...builtinReleases().map((r) => loadRelease(r.dir)), await loadEmbeddedCatalogue()];
  const seen = new Set<string>();
  return all.filter((c) => {
    if (seen.has(c.sha256)) return false;
    seen.add(c.sha256);
    return true;
  });
}
