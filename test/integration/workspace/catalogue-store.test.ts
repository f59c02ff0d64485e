// catalogue_events must hold every event of a catalogue exactly as the catalogue describes it:
// formats with quotes, backslashes and escapes, source hints, properties, argument lists and
// the columns ingest creates. Checked for every catalogue in ../shared/catalogues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { compileFormatCached } from '../../../src-main/catalogue/index.ts';
import { loadCatalogueSource, loadEmbeddedCatalogue } from '../../../src-main/catalogue/sources.ts';
import type { Catalogue } from '../../../src-main/catalogue/types.ts';
import { eventColumns } from '../../../src-main/workspace/schema.ts';
import { Workspace } from '../../../src-main/workspace/workspace.ts';
import { CATALOGUES, scratch } from '../../helpers/paths.ts';

const tmp = scratch();
let ws: Workspace;

beforeAll(async () => {
  ws = await Workspace.open(path.join(tmp.dir, 'cat.duckdb'));
});
afterAll(() => {
  ws.close();
  tmp.cleanup();
});

function expected(cat: Catalogue): unknown[][] {
  return cat.events.map((ev) => {
    const cols = eventColumns(ev);
    const compiled = compileFormatCached(ev);
    return [
      cat.id,
      ev.name,
      ev.sourceFile,
      ev.properties,
      ev.args.map((a) => `${a.ctype}${a.ctype.endsWith('*') ? '' : ' '}${a.name}`).join(', ') || 'void',
      ev.args.map((a) => a.name),
      ev.args.map((a) => a.ctype),
      cols.map((c) => c.name),
      cols.map((c) => c.type),
      ev.format,
      ev.rawFormat,
      ev.position,
      ev.line,
      ev.disabled,
      compiled.ambiguous,
      compiled.ambiguity ?? null,
    ];
  });
}

async function stored(id: string): Promise<unknown[][]> {
  const r = await ws.conn.runAndReadAll(`SELECT * FROM catalogue_events WHERE catalogue_id = $1 ORDER BY position`, [id]);
  return r.getRowsJson() as unknown[][];
}

const sources = readdirSync(CATALOGUES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('storeCatalogue', () => {
  it.each(sources)('stores every event of %s exactly', async (name) => {
    const cat = loadCatalogueSource(path.join(CATALOGUES, name));
    await ws.storeCatalogue(cat);
    const rows = await stored(cat.id);
    expect(rows).toHaveLength(cat.events.length);
    expect(rows).toEqual(expected(cat));
    // Formats with escapes made it through unchanged (every catalogue has some).
    expect(rows.some((r) => String(r[10]).includes('\\'))).toBe(true);
  });

  it('stores a catalogue once, and odd text exactly (quotes, control characters, non-ASCII)', async () => {
    const cat = await loadEmbeddedCatalogue();
    await ws.storeCatalogue(cat);
    await ws.storeCatalogue(cat);
    expect(await stored(cat.id)).toEqual(expected(cat));
    const { buildCatalogue } = await import('../../../src-main/catalogue/index.ts');
    const odd = buildCatalogue({
      name: 'odd',
      source: 'odd',
      file: 'odd.trace-events',
      text: '# caf\u00e9.c\nodd_event(const char *s, int n) "say \\"%s\\"\\t\\\\ %d \u00e9\\n"\n',
    });
    await ws.storeCatalogue(odd);
    const rows = await stored(odd.id);
    expect(rows).toEqual(expected(odd));
    expect(rows[0][9]).toBe('say "%s"\t\\ %d \u00e9\n');
  });
});
