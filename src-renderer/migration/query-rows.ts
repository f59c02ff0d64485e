// Cells of the Migration and Compare pages' rows (column name → WireCell, as the engine's
// migrationPage and compareRuns send them) read as numbers and text.
import type { WireCell } from '../../src-main/contract.ts';

export type Row = Readonly<Record<string, WireCell>>;

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
