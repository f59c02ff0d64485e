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

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CatalogueSourceError(`${file}: cannot read catalogue (${reason(e)})`);
  }
}

async function readTextAsync(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
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
  return buildCatalogue({ name, source: path.resolve(file), text: readText(file), file });
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
  return out.sort();
}

/**
 * A QEMU source tree: ./trace-events, then the file of each `trace_events_subdirs` entry of the
 * top-level meson.build in order (every directory in sorted path order without one), byte for
 * byte, as the build concatenates them into trace-events-all (without the QAPI chunks, which
 * only a build generates; their events are answered by name).
 */
export function loadCatalogueFromTree(root: string): Catalogue {
  const meson = path.join(root, 'meson.build');
  const listed = existsSync(meson) ? mesonTraceSubdirs(readText(meson)) : null;
  const dirs = (listed ?? findTraceEventDirs(root)).filter((d) => !NEVER_ON_LINUX.has(d));
  const parts: CataloguePart[] = [];
  const top = path.join(root, 'trace-events');
  if (existsSync(top)) parts.push({ file: top, text: readText(top), dir: '' });
  for (const d of dirs) {
    const f = path.join(root, d, 'trace-events');
    if (existsSync(f)) parts.push({ file: f, text: readText(f), dir: d });
  }
  if (parts.length === 0) throw new CatalogueSourceError(`${root}: no trace-events files in this directory`);
  const abs = path.resolve(root);
  return buildCatalogue({ name: `tree:${path.basename(abs)}`, source: abs, text: parts.map((p) => p.text).join(''), file: root, parts });
}

/** A file or a source tree, whichever the path is. */
export function loadCatalogueSource(p: string): Catalogue {
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    throw new CatalogueSourceError(`${p}: no such catalogue file or directory (${reason(e)})`);
  }
  return st.isDirectory() ? loadCatalogueFromTree(p) : loadCatalogueFile(p);
}

/** The installed QEMU's trace-events-all, or null when there is none. */
export async function loadInstalledCatalogue(file = INSTALLED_CATALOGUE): Promise<Catalogue | null> {
  if (!existsSync(file)) return null;
  const text = await readTextAsync(file);
  return buildCatalogue({ name: 'installed:trace-events-all', source: `installed:${file}`, text, file });
}

let embedded: Promise<Catalogue> | null = null;

/** The QEMU migration catalogue shipped in resources/ (parsed once per process). */
export function loadEmbeddedCatalogue(): Promise<Catalogue> {
  if (embedded === null) {
    embedded = readTextAsync(EMBEDDED_CATALOGUE).then((text) =>
      buildCatalogue({ name: 'embedded:migration', source: 'embedded', text, file: EMBEDDED_CATALOGUE }),
    );
    embedded.catch(() => {
      embedded = null;
    });
  }
  return embedded;
}

/** With explicit paths exactly those; otherwise the installed QEMU's (if any) and the embedded default. */
export async function resolveCatalogues(paths?: readonly string[]): Promise<Catalogue[]> {
  if (paths !== undefined && paths.length > 0) return paths.map(loadCatalogueSource);
  const installed = await loadInstalledCatalogue();
  const fallback = await loadEmbeddedCatalogue();
  return installed !== null ? [installed, fallback] : [fallback];
}
