// One input ingested into a fresh workspace under given parse settings (QTW_PARSE_WORKER,
// QTW_PARSE_WORKERS, QTW_PARSE_SEGMENT_BYTES: in the thread, one worker, segments), then read
// back: the shape of every test that checks the decoding paths agree.
import { expect } from 'vitest';
import { WorkspaceEngine } from '../../src-main/service/workspace-engine.ts';

export type Rows = (sql: string) => Promise<unknown[][]>;

/** Every row of a query on an open engine. */
export async function engineRows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const acc: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (x) => void acc.push(...x) });
  return acc;
}

/**
 * Ingest `file` into the new workspace `ws` with `catalogues` while `env` is set (parse workers
 * read it when they start), expecting one trace and no error, and return what `read` makes of it.
 */
export async function ingestOne<T>(ws: string, file: string, catalogues: string[], env: Record<string, string>, read: (rows: Rows) => Promise<T>): Promise<T> {
  const prev = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const engine = await WorkspaceEngine.open(ws);
  try {
    const r = await engine.openInputs([file], { catalogues });
    expect(r.errors).toEqual([]);
    expect(r.traces).toHaveLength(1);
    return await read((sql) => engineRows(engine, sql));
  } finally {
    engine.close();
    for (const [k, v] of Object.entries(prev)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
