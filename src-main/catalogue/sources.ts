// Where catalogues come from: a trace-events(-all) file, a QEMU source tree (its trace-events
// files concatenated the way the build does), the installed QEMU's trace-events-all, and the
// migration catalogue embedded in resources/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalogue } from './catalogue.ts';
import type { CataloguePart } from './catalogue.ts';
import type { Catalogue } from './types.ts';

export const INSTALLED_CATALOGUE = '/usr/share/qemu/trace-events-all';
const RESOURCES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources');
export const EMBEDDED_CATALOGUE = path.join(RESOURCES, 'catalogues/migration.trace-events');

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
  return buildCatalogue({ name, source: path.resolve(file), text: bytes.toString('utf8'), bytes, file });
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
    throw new CatalogueSourceError(`${p}: no such catalogue file or directory (${reason(e)})`);
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
  return buildCatalogue({ name: 'installed:trace-events-all', source: `installed:${file}`, text: bytes.toString('utf8'), bytes, file });
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
  if (source === 'embedded') {
    const bytes = readBytes(EMBEDDED_CATALOGUE);
    return buildCatalogue({ name, source, text: bytes.toString('utf8'), bytes, file: EMBEDDED_CATALOGUE });
  }
  if (source.startsWith('installed:')) {
    const file = source.slice('installed:'.length);
    const bytes = readBytes(file);
    return buildCatalogue({ name, source, text: bytes.toString('utf8'), bytes, file });
  }
  return statSync(source).isDirectory() ? loadCatalogueFromTree(source) : loadCatalogueFile(source, name);
}

/** With explicit paths exactly those; otherwise the installed QEMU's (if any) and the embedded default. */
export async function resolveCatalogues(paths?: readonly string[]): Promise<Catalogue[]> {
  if (paths !== undefined && paths.length > 0) return paths.map(loadCatalogueSource);
  const installed = await loadInstalledCatalogue();
  const fallback = await loadEmbeddedCatalogue();
  return installed !== null ? [installed, fallback] : [fallback];
}
