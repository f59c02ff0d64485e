// Catalogue inspection for hosts: list a catalogue's events or diff two catalogues, as plain
// data and text. Hosts never reach into catalogue/ themselves.
import { diffCatalogues, formatCatalogueDiff, loadCatalogueSource, resolveCatalogues, signature } from '../catalogue/index.ts';
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
