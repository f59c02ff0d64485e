// Whole small results as plain objects: the Migration and Compare pages read analysis views of a
// few hundred rows at most, so one runQuery + one fetchRows (then release) is enough.
import type { EngineClient, WireCell } from '../../src-main/contract.ts';

export type Row = Readonly<Record<string, WireCell>>;

/** Rows beyond this are not drawn anyway; the "Open query" button shows them all. */
export const MAX_ROWS = 20_000;

export async function queryRows(client: EngineClient, sql: string, max = MAX_ROWS): Promise<Row[]> {
  const result = await client.call('runQuery', { sql });
  try {
    const count = Math.min(result.rowCount, max);
    if (count === 0) return [];
    const page = await client.call('fetchRows', { handle: result.handle, offset: 0, count, sort: null });
    const names = result.columns.map((c) => c.name);
    return page.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])));
  } finally {
    client.call('releaseResult', { handle: result.handle }).catch(() => undefined);
  }
}

/** A numeric cell as a JS number (BIGINTs may arrive as decimal strings), else null. */
export function num(v: WireCell | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v.trim())) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

export function str(v: WireCell | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** SQL identifier, quoted only when needed. */
export function ident(s: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`;
}
