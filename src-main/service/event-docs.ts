// Catalogue documentation of event tables: each event is described by the catalogue of the most
// recent trace that used it (events of one name may differ between QEMU versions).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventDoc } from '../contract.ts';

export interface EventDocRow {
  readonly doc: EventDoc;
  /** Table column name → `ctype name` of the argument it holds. */
  readonly ctypes: ReadonlyMap<string, string>;
}

/** `uint64_t addr`, `const char *name`: the way trace-events writes an argument. */
export function cArg(ctype: string, name: string): string {
  return `${ctype}${ctype.endsWith('*') ? '' : ' '}${name}`;
}

export function eventSignature(name: string, args: string | null, disabled: boolean): string {
  return `${disabled ? 'disable ' : ''}${name}(${args && args.length ? args : 'void'})`;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => String(x)) : [];
}

/** Docs for events of the catalogues that ingested traces used, keyed by event name. */
export async function eventDocs(conn: DuckDBConnection): Promise<Map<string, EventDocRow>> {
  const r = await conn.runAndReadAll(`
    WITH used AS (SELECT catalogue_id, max(trace_id) AS last FROM traces GROUP BY catalogue_id)
    SELECT e.name, arg_max(e.catalogue_id, u.last), arg_max(c.name, u.last), arg_max(e.source_file, u.last),
           arg_max(e.properties, u.last), arg_max(e.args, u.last), arg_max(e.format, u.last), arg_max(e.disabled, u.last),
           arg_max(e.columns, u.last), arg_max(e.arg_types, u.last), arg_max(e.arg_names, u.last)
      FROM catalogue_events e JOIN used u USING (catalogue_id) JOIN catalogues c USING (catalogue_id)
     GROUP BY e.name`);
  const out = new Map<string, EventDocRow>();
  for (const row of r.getRowsJS()) {
    const [name, catId, catName, sourceFile, props, args, format, disabled, columns, argTypes, argNames] = row;
    const cols = strings(columns);
    const types = strings(argTypes);
    const names = strings(argNames);
    const ctypes = new Map<string, string>();
    cols.forEach((c, i) => {
      if (types[i] !== undefined) ctypes.set(c, cArg(types[i], names[i] ?? c));
    });
    out.set(String(name), {
      doc: {
        name: String(name),
        signature: eventSignature(String(name), args === null ? null : String(args), disabled === true),
        format: String(format ?? ''),
        sourceFile: sourceFile === null ? null : String(sourceFile),
        catalogueId: String(catId),
        catalogueName: String(catName),
        properties: strings(props),
      },
      ctypes,
    });
  }
  return out;
}
