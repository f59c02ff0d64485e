// Cells as they cross a process boundary (WireCell): 64-bit integers become numbers only when
// exact, else decimal strings; dates are already ISO text and blobs hex (workspace/query.ts).
import type { WireCell } from '../contract.ts';
import type { CellValue } from '../workspace/query.ts';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const MIN = BigInt(Number.MIN_SAFE_INTEGER);

export function toWireCell(v: CellValue): WireCell {
  if (typeof v === 'bigint') return v <= MAX && v >= MIN ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(toWireCell);
  if (v !== null && typeof v === 'object') {
    const o: { [k: string]: WireCell } = {};
    for (const [k, x] of Object.entries(v)) o[k] = toWireCell(x);
    return o;
  }
  return v;
}

export function toWireRow(row: readonly CellValue[]): WireCell[] {
  return row.map(toWireCell);
}
