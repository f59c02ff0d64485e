// Catalogue inspection for hosts: list a catalogue's events or diff two catalogues, as plain
// data and text; and the catalogues a trace can be re-typed with (listCatalogues), each named
// by a ref the service alone turns back into what the engine loads. Hosts never reach into
// catalogue/ themselves.
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CatalogueChoice } from '../contract.ts';
import {
  builtinReleases,
  diffCatalogues,
  EMBEDDED_CATALOGUE,
  formatCatalogueDiff,
  INSTALLED_CATALOGUE,
  loadCatalogueSource,
  resolveCatalogues,
  signature,
} from '../catalogue/index.ts';
import type { Catalogue } from '../catalogue/types.ts';
import { detectCatalogues, type Detection } from '../ingest/detect.ts';

export type { Detection, DetectedFit } from '../ingest/detect.ts';

/** How every candidate catalogue (the given ones, the installed, the built-in releases) fits each trace's head. */
export async function detectTraceCatalogues(traces: readonly string[], given: readonly string[] = []): Promise<Detection[]> {
  return detectCatalogues(traces, await resolveCatalogues(given));
}

export interface CatalogueEventInfo {
  readonly name: string;
  readonly args: { name: string; type: string; duckdb: string }[];
  readonly format: string;
  readonly properties: readonly string[];
  readonly source_file: string | null;
  readonly line: number;
}

export interface CatalogueReport {
  readonly name: string;
  readonly sha256: string;
  readonly events: CatalogueEventInfo[];
  /** One line each: `file: line N: reason`. */
  readonly errors: string[];
  /** `properties name(signature) "format"` per event, as trace-events would declare it. */
  readonly listing: string[];
}

function report(cat: Catalogue): CatalogueReport {
  return {
    name: cat.name,
    sha256: cat.sha256,
    events: cat.events.map((e) => ({
      name: e.name,
      args: e.args.map((a) => ({ name: a.name, type: a.ctype, duckdb: a.duckType })),
      format: e.format,
      properties: e.properties,
      source_file: e.sourceFile,
      line: e.line,
    })),
    errors: cat.errors.map((e) => `${e.file}: line ${e.line}: ${e.reason}`),
    // signature() already starts with `disable ` for disabled events.
    listing: cat.events.map((e) => {
      const props = e.properties.filter((p) => p !== 'disable');
      return `${props.length ? props.join(' ') + ' ' : ''}${signature(e)} ${JSON.stringify(e.format)}`;
    }),
  };
}

/** A trace-events file or a QEMU source tree. */
export function describeCatalogue(path: string): CatalogueReport {
  return report(loadCatalogueSource(path));
}

/** What `other` adds, removes and changes relative to `path`, as text; plus both parse errors. */
export function diffCatalogueFiles(path: string, other: string): { text: string; errors: string[] } {
  const a = loadCatalogueSource(path);
  const b = loadCatalogueSource(other);
  return {
    text: formatCatalogueDiff(diffCatalogues(a, b)),
    errors: [...report(a).errors, ...report(b).errors],
  };
}

interface StoredCatalogue {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly sha256: string;
  readonly traces: number;
}

async function readStored(conn: DuckDBConnection): Promise<StoredCatalogue[]> {
  const r = await conn.runAndReadAll(
    `SELECT c.catalogue_id, c.name, c.source, c.sha256, (SELECT count(*) FROM traces t WHERE t.catalogue_id = c.catalogue_id)
       FROM catalogues c ORDER BY c.catalogue_id`,
  );
  return r.getRowsJS().map((row) => ({ id: String(row[0]), name: String(row[1]), source: String(row[2]), sha256: String(row[3]), traces: Number(row[4]) }));
}

const RELEASE_REF = 'release:';
const STORED_REF = 'stored:';
const INSTALLED_REF = 'installed';

/** Whether a retypeTrace `catalogue` is a ref (else it is a path). */
export function isCatalogueRef(s: string): boolean {
  return s.startsWith(RELEASE_REF) || s.startsWith(STORED_REF) || s === INSTALLED_REF;
}

/**
 * Every built-in release (newest first), the installed QEMU's when there is one, then the other
 * catalogues stored in this workspace. A stored catalogue that is a release's or the installed
 * one is not listed twice: its entry carries the catalogue id and trace count.
 */
export async function listCatalogueChoices(conn: DuckDBConnection, installedFile = INSTALLED_CATALOGUE): Promise<CatalogueChoice[]> {
  const stored = await readStored(conn);
  const releases = builtinReleases();
  const bySource = new Map(stored.map((c) => [c.source, c]));
  const out: CatalogueChoice[] = releases.map((r) => {
    const s = bySource.get(`builtin:${r.dir}`);
    return { ref: `${RELEASE_REF}${r.dir}`, kind: 'release', label: r.dir, version: r.version, catalogueId: s?.id ?? null, source: `builtin:${r.dir}`, traces: s?.traces ?? 0, unavailable: null };
  });
  const installedStored = bySource.get(`installed:${installedFile}`);
  if (existsSync(installedFile) || installedStored !== undefined) {
    out.push({
      ref: INSTALLED_REF,
      kind: 'installed',
      label: 'installed QEMU',
      version: installedStored ? (releases.find((r) => r.sha256 === installedStored.sha256)?.version ?? null) : null,
      catalogueId: installedStored?.id ?? null,
      source: `installed:${installedFile}`,
      traces: installedStored?.traces ?? 0,
      unavailable: existsSync(installedFile) ? null : `${installedFile}: no longer installed`,
    });
  }
  for (const c of stored) {
    if (c.source.startsWith('builtin:') || c === installedStored) continue;
    out.push({
      ref: `${STORED_REF}${c.id}`,
      kind: 'stored',
      label: c.name,
      version: releases.find((r) => r.sha256 === c.sha256)?.version ?? null,
      catalogueId: c.id,
      source: c.source,
      traces: c.traces,
      unavailable: storedUnavailable(c.source),
    });
  }
  return out;
}

/** A stored catalogue's file, when it is one. */
function storedFile(source: string): string | null {
  if (source === 'embedded') return EMBEDDED_CATALOGUE;
  if (source.startsWith('installed:')) return source.slice('installed:'.length);
  if (source.startsWith('builtin:')) return null;
  return source;
}

function storedUnavailable(source: string): string | null {
  const file = storedFile(source);
  return file === null || existsSync(file) ? null : `${file}: the file is gone (give it again)`;
}

/**
 * What the engine loads for a ref listCatalogueChoices gave: a release name, or the file or tree
 * of the catalogue. Throws (one line, naming the ref) for an unknown or unusable ref.
 */
export function catalogueForRef(ref: string, choices: readonly CatalogueChoice[]): string {
  const c = choices.find((x) => x.ref === ref);
  if (c === undefined) {
    const what = ref.startsWith(RELEASE_REF) ? `no built-in release ${ref.slice(RELEASE_REF.length)}` : ref === INSTALLED_REF ? 'no installed QEMU catalogue' : 'no such catalogue in this workspace';
    throw new Error(`${ref}: ${what}`);
  }
  if (c.unavailable !== null) throw new Error(`${c.label}: ${c.unavailable}`);
  if (c.kind === 'release') return c.ref.slice(RELEASE_REF.length);
  if (c.source.startsWith('builtin:')) return c.source.slice('builtin:'.length);
  // Not null: builtin sources were handled above.
  return storedFile(c.source) ?? c.source;
}
