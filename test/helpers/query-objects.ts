// A query's rows as objects keyed by column name (values as the engine gives them: bigint stays).
import type { WorkspaceEngine } from '../../src-main/service/workspace-engine.ts';

export type Row = Record<string, unknown>;

export async function objects(engine: WorkspaceEngine, sql: string): Promise<Row[]> {
  let cols: string[] = [];
  const out: Row[] = [];
  await engine.streamQuery(sql, {
    columns: (c) => void (cols = c.map((x) => x.name)),
    rows: (rs) => void out.push(...rs.map((r) => Object.fromEntries(cols.map((n, i) => [n, r[i]])))),
  });
  return out;
}
