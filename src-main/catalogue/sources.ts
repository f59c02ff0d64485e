// Where catalogues come from: a trace-events(-all) file, a QEMU source tree (its trace-events
// files concatenated the way the build does), the installed QEMU's trace-events-all, and the
// migration catalogue embedded in resources/.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalogue } from './catalogue.ts';
import type { Catalogue, EventSpec } from './types.ts';

export const INSTALLED_CATALOGUE = '/usr/share/qemu/trace-events-all';
const RESOURCES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources');
export const EMBEDDED_CATALOGUE = path.join(RESOURCES, 'catalogues/migration.trace-events');

export class CatalogueSourceError extends Error {}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CatalogueSourceError(`${file}: cannot read catalogue (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** A short human name: the parent folder and the file name. */
function displayName(file: string): string {
  const abs = path.resolve(file);
  return `${path.basename(path.dirname(abs))}/${path.basename(abs)}`;
}

export function loadCatalogueFile(file: string, name = displayName(file)): Catalogue {
  return buildCatalogue({ name, source: path.resolve(file), text: readText(file), file });
}

/** The subdirectories meson.build lists in `trace_events_subdirs`, in order. */
function mesonSubdirs(root: string): string[] | null {
  const meson = path.join(root, 'meson.build');
  if (!existsSync(meson)) return null;
  const text = readFileSync(meson, 'utf8');
  const out: string[] = [];
  const re = /trace_events_subdirs\s*\+?=\s*\[([^\]]*)\]/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    for (const s of m[1].matchAll(/'([^']+)'/g)) out.push(s[1]);
  }
  return out.length ? out : null;
}

function findTraceEventFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name === 'build' || e.name === 'tests') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name === 'trace-events' && dir !== root) out.push(path.relative(root, dir));
    }
  };
  walk(root);
  return out;
}

/** A QEMU source tree: ./trace-events, then every listed subdirectory's file, byte for byte. */
export function loadCatalogueFromTree(root: string): Catalogue {
  const subdirs = mesonSubdirs(root) ?? findTraceEventFiles(root);
  const chunks: { dir: string; text: string }[] = [];
  if (existsSync(path.join(root, 'trace-events'))) chunks.push({ dir: '', text: readText(path.join(root, 'trace-events')) });
  for (const d of subdirs) {
    const f = path.join(root, d, 'trace-events');
    if (existsSync(f)) chunks.push({ dir: d, text: readText(f) });
  }
  if (chunks.length === 0) throw new CatalogueSourceError(`${root}: no trace-events files found in this directory`);
  const text = chunks.map((c) => c.text).join('');
  // Source hints are relative to each chunk's directory, which the concatenation loses.
  const bounds: { dir: string; endLine: number }[] = [];
  let line = 0;
  for (const c of chunks) {
    line += c.text.split('\n').length - (c.text.endsWith('\n') ? 1 : 0);
    bounds.push({ dir: c.dir, endLine: line });
  }
  const fixEvent = (e: EventSpec): EventSpec => {
    const b = bounds.find((x) => e.line <= x.endLine);
    if (!b || !b.dir || e.sourceFile === null) return e;
    return { ...e, sourceFile: path.posix.normalize(`${b.dir}/${e.sourceFile}`) };
  };
  return buildCatalogue({ name: `tree:${path.basename(path.resolve(root))}`, source: path.resolve(root), text, file: root, fixEvent });
}

/** A file or a source tree, whichever the path is. */
export function loadCatalogueSource(p: string): Catalogue {
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new CatalogueSourceError(`${p}: no such catalogue file or directory`);
  }
  return st.isDirectory() ? loadCatalogueFromTree(p) : loadCatalogueFile(p);
}

export function loadInstalledCatalogue(file = INSTALLED_CATALOGUE): Catalogue | null {
  return existsSync(file) ? loadCatalogueFile(file, 'installed/trace-events-all') : null;
}

export function loadEmbeddedCatalogue(): Catalogue {
  const cat = loadCatalogueFile(EMBEDDED_CATALOGUE, 'embedded/migration.trace-events');
  return cat;
}

/** With explicit paths exactly those; otherwise the installed QEMU's (if any) and the embedded default. */
export async function resolveCatalogues(paths?: readonly string[]): Promise<Catalogue[]> {
  if (paths && paths.length > 0) return paths.map(loadCatalogueSource);
  const installed = loadInstalledCatalogue();
  return installed ? [installed, loadEmbeddedCatalogue()] : [loadEmbeddedCatalogue()];
}
