// catalogueTree(): the events of every catalogue that typed an ingested trace (or the embedded
// catalogue before anything is ingested), grouped by subsystem, with per-trace counts.
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadEmbeddedCatalogue, signature } from '../catalogue/index.ts';
import type { CatalogueEventEntry, CatalogueTree } from '../contract.ts';
import { eventSignature } from './event-docs.ts';

/**
 * The subsystem an event belongs to: the directory of the source file that declares it
 * (`migration/ram.c` → `migration`, `hw/virtio/virtio.c` → `hw/virtio`). trace-events-all
 * names files without their directory (`# ram.c`): then the file's stem (`ram`, `savevm`), which
 * groups `qemu_loadvm_*` with savevm where the name's first word would not. Events without a
 * source file fall back to the first word of the name (`multifd_send` → `multifd`).
 */
export function subsystemOf(name: string, sourceFile: string | null): string {
  const file = sourceFile?.trim().split(/\s+/)[0]?.replace(/\\/g, '/') ?? '';
  if (file) {
    // Hints are relative to their trace-events file (`../block.c`, `../../include/hw/xen/x.h`)
    // or globs (`*/signal.c`): keep only real directory names.
    const parts = file.split('/').filter((p) => p !== '' && p !== '.' && p !== '..' && !/[*?]/.test(p));
    if (parts.length === 0) parts.push('');
    const dir = parts.slice(0, -1).join('/');
    if (dir) return dir;
    const stem = parts[parts.length - 1].replace(/\.[A-Za-z0-9]+$/, '');
    if (stem) return stem;
  }
  const i = name.indexOf('_');
  return i > 0 ? name.slice(0, i) : name;
}

export async function readCatalogueTree(conn: DuckDBConnection): Promise<CatalogueTree[]> {
  const cats = await conn.runAndReadAll(`
    SELECT c.catalogue_id, c.name, list(t.trace_id ORDER BY t.trace_id)
      FROM catalogues c JOIN traces t USING (catalogue_id)
     GROUP BY c.catalogue_id, c.name ORDER BY min(t.trace_id)`);
  if (cats.currentRowCount === 0) return [await embeddedTree()];
  const tables = new Set((await conn.runAndReadAll('SELECT name FROM qtw_event_tables')).getRows().map((r) => String(r[0])));
  // One scan of the events view answers every count at once.
  const counts = new Map<string, Map<number, number>>();
  const c = await conn.runAndReadAll('SELECT name, trace_id, count(*) FROM events GROUP BY ALL');
  for (const [n, t, k] of c.getRows()) {
    const m = counts.get(String(n)) ?? new Map<number, number>();
    m.set(Number(t), Number(k));
    counts.set(String(n), m);
  }
  const out: CatalogueTree[] = [];
  for (const [idV, nameV, traceIdsV] of cats.getRowsJS()) {
    const traceIds = (Array.isArray(traceIdsV) ? traceIdsV : []).map((x) => Number(x));
    const evs = await conn.runAndReadAll(
      `SELECT name, source_file, args, format, disabled FROM catalogue_events WHERE catalogue_id = $1 ORDER BY position, name`,
      [String(idV)],
    );
    const seen = new Set<string>();
    const events: CatalogueEventEntry[] = [];
    for (const [n, sf, args, fmt, disabled] of evs.getRowsJS()) {
      const name = String(n);
      // tcg events appear twice in trace-events order (exec and trans halves): list them once.
      if (seen.has(name)) continue;
      seen.add(name);
      const per = counts.get(name);
      const byTrace: Record<string, number> = {};
      let total = 0;
      for (const t of traceIds) {
        const k = per?.get(t) ?? 0;
        byTrace[String(t)] = k;
        total += k;
      }
      const sourceFile = sf === null ? null : String(sf);
      events.push({
        name,
        subsystem: subsystemOf(name, sourceFile),
        sourceFile,
        signature: eventSignature(name, args === null ? null : String(args), disabled === true),
        format: String(fmt ?? ''),
        counts: byTrace,
        total,
        hasTable: tables.has(name),
      });
    }
    out.push({ catalogueId: String(idV), catalogueName: String(nameV), events });
  }
  return out;
}

async function embeddedTree(): Promise<CatalogueTree> {
  const cat = await loadEmbeddedCatalogue();
  const seen = new Set<string>();
  const events: CatalogueEventEntry[] = [];
  for (const e of cat.events) {
    if (seen.has(e.name)) continue;
    seen.add(e.name);
    events.push({
      name: e.name,
      subsystem: subsystemOf(e.name, e.sourceFile),
      sourceFile: e.sourceFile,
      signature: signature(e),
      format: e.format,
      counts: {},
      total: 0,
      hasTable: false,
    });
  }
  return { catalogueId: cat.id, catalogueName: cat.name, events };
}
