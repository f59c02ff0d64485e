// A typed string holds a newline only when QEMU really printed one inside the record (a `\n` in
// its format or in a `%s` value): anything else is a foreign line glued onto a value.
import { expect } from 'vitest';
import type { WorkspaceEngine } from '../../src-main/service/workspace-engine.ts';

async function column(engine: WorkspaceEngine, sql: string): Promise<unknown[]> {
  const out: unknown[] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r.map((x) => x[0])) });
  return out;
}

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** `table.column` of every VARCHAR column of every event table holding a value with a '\n', sorted. */
export async function newlineColumns(engine: WorkspaceEngine): Promise<string[]> {
  const tables = (await column(engine, 'SELECT name FROM qtw_event_tables ORDER BY name')).map(String);
  const found: string[] = [];
  for (const t of tables) {
    const cols = await column(
      engine,
      `SELECT column_name FROM information_schema.columns WHERE table_name = ${literal(t)} AND data_type = 'VARCHAR' ORDER BY ordinal_position`,
    );
    for (const c of cols.map(String)) {
      const [n] = await column(engine, `SELECT count(*) FROM ${quote(t)} WHERE contains(${quote(c)}, chr(10))`);
      if (Number(n) > 0) found.push(`${t}.${c}`);
    }
  }
  return found.sort();
}

/**
 * No typed string value of the workspace contains a newline, except in `allowed` (`table.column`
 * of records whose fixture really printed one).
 */
export async function expectNoGluedNewlines(engine: WorkspaceEngine, allowed: readonly string[] = []): Promise<void> {
  expect(await newlineColumns(engine)).toEqual([...allowed].sort());
}
