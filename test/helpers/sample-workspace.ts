// A real workspace for renderer logic tests: the QEMU 7.2 a-precopy sample (source and
// destination logs) ingested with Debian's 7.2 catalogue, and a SchemaInfo read back from
// DuckDB's own catalog views, shaped as the engine's schema() answer.
import path from 'node:path';
import type { SchemaInfo, SchemaTable } from '../../src-main/contract.ts';
import { WorkspaceEngine } from '../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, SAMPLES, scratch } from './paths.ts';

export const A_PRECOPY = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');

export interface SampleWorkspace {
  readonly engine: WorkspaceEngine;
  readonly schema: SchemaInfo;
  rows(sql: string): Promise<unknown[][]>;
  close(): void;
}

export async function openSampleWorkspace(): Promise<SampleWorkspace> {
  const tmp = scratch('qtw-renderer-');
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
  await engine.openInputs([path.join(A_PRECOPY, 'src.log.gz'), path.join(A_PRECOPY, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
  const rows = async (sql: string) => (await engine.ws.conn.runAndReadAll(sql)).getRowsJS() as unknown[][];
  const eventTables = new Set((await rows('SELECT name FROM qtw_event_tables')).map((r) => String(r[0])));
  const docs = new Map<string, { args: string[]; types: string[]; format: string; source: string; cid: string; cname: string; props: string[] }>();
  for (const r of await rows(
    `SELECT e.name, e.arg_names, e.arg_types, e.format, e.source_file, e.catalogue_id, c.name, e.properties
       FROM catalogue_events e JOIN catalogues c USING (catalogue_id)
      WHERE e.catalogue_id IN (SELECT catalogue_id FROM traces)`,
  )) {
    docs.set(String(r[0]), {
      args: r[1] as string[], types: r[2] as string[], format: String(r[3]), source: String(r[4]),
      cid: String(r[5]), cname: String(r[6]), props: (r[7] as string[] | null) ?? [],
    });
  }
  const columns = await rows(`SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' ORDER BY table_name, column_index`);
  const tables: SchemaTable[] = (
    await rows(
      `SELECT table_name, estimated_size, 'table' FROM duckdb_tables() WHERE schema_name = 'main'
       UNION ALL SELECT view_name, NULL, 'view' FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal`,
    )
  ).map((t) => {
    const name = String(t[0]);
    const d = eventTables.has(name) ? docs.get(name) : undefined;
    return {
      name,
      kind: eventTables.has(name) ? 'event' : (t[2] as 'table' | 'view'),
      rows: t[1] === null ? null : Number(t[1]),
      columns: columns.filter((c) => c[0] === name).map((c) => {
        const i = d ? d.args.indexOf(String(c[1])) : -1;
        return { name: String(c[1]), type: String(c[2]), ctype: d && i >= 0 ? d.types[i] : null };
      }),
      doc: d
        ? { name, signature: `${name}(${d.args.map((a, i) => `${d.types[i]} ${a}`).join(', ')})`, format: d.format, sourceFile: d.source, catalogueId: d.cid, catalogueName: d.cname, properties: d.props }
        : null,
    };
  });
  const functions = (await rows('SELECT DISTINCT function_name FROM duckdb_functions() ORDER BY 1')).map((r) => String(r[0]));
  const keywords = (await rows('SELECT keyword_name FROM duckdb_keywords() ORDER BY 1')).map((r) => String(r[0]));
  return {
    engine,
    schema: { tables, functions, keywords },
    rows,
    close() {
      engine.close();
      tmp.cleanup();
    },
  };
}
